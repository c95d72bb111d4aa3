<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>FilterPanel</name>
    <message>
        <location filename="../../app/panels/filters.py" line="36" />
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="38" />
        <source>All building types</source>
        <translation>全部建筑类型</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="39" />
        <source>Residential</source>
        <translation>住宅</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="39" />
        <source>Office</source>
        <translation>办公</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="40" />
        <source>Commercial</source>
        <translation>商业</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="40" />
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="41" />
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="41" />
        <source>Rail transit</source>
        <translation>轨道交通</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="42" />
        <source>Tourist site</source>
        <translation>旅游景点</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="42" />
        <source>Industrial</source>
        <translation>工业</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="43" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="47" />
        <source>All elevators</source>
        <translation>全部电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="48" />
        <source>Add-on elevators only</source>
        <translation>仅加装电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="49" />
        <source>No add-on elevators</source>
        <translation>不含加装电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="55" />
        <source> y</source>
        <translation> 年</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="56" />
        <location filename="../../app/panels/filters.py" line="57" />
        <location filename="../../app/panels/filters.py" line="75" />
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="59" />
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="59" />
        <source>Class II</source>
        <translation>二类</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="59" />
        <source>Class I</source>
        <translation>一类</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="61" />
        <source>No device</source>
        <translation>无装置</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="61" />
        <source>Monitoring</source>
        <translation>远程监测</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="61" />
        <source>E-bike blocking</source>
        <translation>电动自行车阻止</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="64" />
        <source>Any retrofit status</source>
        <translation>全部改造状态</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="65" />
        <source>Retrofit open (any stage)</source>
        <translation>改造进行中(任一阶段)</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="66" />
        <source>No retrofit</source>
        <translation>无改造</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="66" />
        <source>Safety assessment</source>
        <translation>安全评估</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="67" />
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="67" />
        <source>Approval</source>
        <translation>审批</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="68" />
        <source>Works</source>
        <translation>施工</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="68" />
        <source>Supervision inspection</source>
        <translation>监督检验</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="69" />
        <source>Back in service</source>
        <translation>恢复使用</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="72" />
        <source>Overdue stage only</source>
        <translation>仅超期阶段</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="76" />
        <source>Reset filters</source>
        <translation>重置筛选</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="82" />
        <source>District</source>
        <translation>区</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="83" />
        <source>Building</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="84" />
        <source>Add-on</source>
        <translation>加装电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="88" />
        <source>Age from / below</source>
        <translation>使用年限 从 / 低于</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="89" />
        <source>Risk class</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="89" />
        <source>IoT</source>
        <translation>物联网</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="95" />
        <source>Retrofit</source>
        <translation>改造</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="96" />
        <source>Complaints at least</source>
        <translation>投诉至少</translation>
    </message>
    <message>
        <location filename="../../app/panels/filters.py" line="112" />
        <source>All districts</source>
        <translation>全部区</translation>
    </message>
</context>
<context>
    <name>InspectorPanel</name>
    <message>
        <location filename="../../app/panels/inspector.py" line="28" />
        <location filename="../../app/panels/inspector.py" line="43" />
        <source>Click an elevator on the map</source>
        <translation>在地图上点击一部电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="31" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="31" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="48" />
        <source>Elevator %s</source>
        <translation>电梯 %s</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="51" />
        <source>Years in use</source>
        <translation>使用年限</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="52" />
        <source>Retrofit stage overdue</source>
        <translation>改造阶段超期</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="53" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="53" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="55" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="55" />
        <source>outside every district boundary</source>
        <translation>不在任何区界内</translation>
    </message>
</context>
<context>
    <name>LayersPanel</name>
    <message>
        <location filename="../../app/panels/layers.py" line="27" />
        <source>District boundaries</source>
        <translation>区界</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="27" />
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="28" />
        <source>Elevators</source>
        <translation>电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="29" />
        <source>Maintenance stations</source>
        <translation>维保站点</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="30" />
        <source>Fire stations</source>
        <translation>消防站</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="31" />
        <source>Police stations</source>
        <translation>派出所</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="32" />
        <source>District labels</source>
        <translation>区名标注</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="37" />
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="38" />
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="39" />
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../app/panels/layers.py" line="45" />
        <source>Opacity of the selected layer</source>
        <translation>所选图层透明度</translation>
    </message>
</context>
<context>
    <name>LegendPanel</name>
    <message>
        <location filename="../../app/panels/legend.py" line="34" />
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="34" />
        <source>Elevators</source>
        <translation>电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="48" />
        <source>No map loaded</source>
        <translation>未加载地图</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="56" />
        <source>(%s overdue)</source>
        <translation>(%s 超期)</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="62" />
        <source>Stage overdue (ring)</source>
        <translation>阶段超期(外圈)</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="66" />
        <source>%s of %s elevators shown</source>
        <translation>显示 %s / %s 部电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="69" />
        <source>counts are districts</source>
        <translation>计数为区的个数</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="75" />
        <source>LiftGuard - elevator emergency command</source>
        <extracomment>Set to any value to print a line and quit once the first map frame is painted (startup benchmark, bench/bench_map.py).</extracomment>
        <translation>LiftGuard - 电梯应急指挥</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="108" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="109" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="110" />
        <source>Find elevator</source>
        <translation>查找电梯</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="111" />
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="112" />
        <source>Inspector</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="113" />
        <source>Districts</source>
        <translation>各区</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="138" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="139" />
        <source>&amp;Reload database</source>
        <translation>重新载入数据库(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="143" />
        <source>Load &amp;road network (OSM)...</source>
        <translation>载入路网(OSM)(&amp;R)...</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="146" />
        <source>&amp;Export map image...</source>
        <translation>导出地图图片(&amp;E)...</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="151" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="157" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="158" />
        <source>Map views</source>
        <translation>地图视图</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="163" />
        <source>Age</source>
        <translation>使用年限</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="163" />
        <source>Risk class</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="163" />
        <source>IoT</source>
        <translation>物联网</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="164" />
        <source>Retrofit</source>
        <translation>改造</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="164" />
        <source>Districts: 15+ share</source>
        <translation>各区:15年以上占比</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="165" />
        <source>Districts: IoT vs target</source>
        <translation>各区:物联网覆盖与目标</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="166" />
        <source>Districts: Class I/II</source>
        <translation>各区:一类/二类风险</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="179" />
        <source>Zoom to &amp;full extent</source>
        <translation>全图(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="185" />
        <source>&amp;Find elevator</source>
        <translation>查找电梯(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="190" />
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="193" />
        <source>&amp;Language (after restart)</source>
        <translation>语言(重启后生效)(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="195" />
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="247" />
        <source>Opening the database; on first run a SYNTHETIC demo registry of Shanghai (304,634 elevators) is created...</source>
        <translation>正在打开数据库;首次运行时将生成上海的合成(SYNTHETIC)演示登记数据(304,634 部电梯)……</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="249" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="250" />
        <source>LiftGuard</source>
        <translation>LiftGuard</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="271" />
        <source>Cancelled: no registry was created. Generate one with `liftguard generate` or import elevators.</source>
        <translation>已取消:未生成登记数据。请用 `liftguard generate` 生成或导入电梯。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="296" />
        <source>Cancelled: nothing was written.</source>
        <translation>已取消:未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="298" />
        <source>The database could not be opened: %s</source>
        <translation>无法打开数据库:%s</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="299" />
        <source>No map: the database could not be opened.</source>
        <translation>无地图:无法打开数据库。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="318" />
        <source>Loading road network %s ...</source>
        <translation>正在载入路网 %s ……</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="332" />
        <source>Road network</source>
        <translation>路网</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="332" />
        <source>OpenStreetMap (*.osm *.osm.pbf *.xml)</source>
        <translation>OpenStreetMap (*.osm *.osm.pbf *.xml)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="353" />
        <source>Export map image</source>
        <translation>导出地图图片</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="354" />
        <source>PNG image (*.png);;JPEG image (*.jpg)</source>
        <translation>PNG 图片 (*.png);;JPEG 图片 (*.jpg)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="362" />
        <source>Map image written to %s</source>
        <translation>地图图片已写入 %s</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="375" />
        <source>frame %s ms</source>
        <translation>帧 %s 毫秒</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="398" />
        <source>The elevator found is hidden by the current filter</source>
        <translation>找到的电梯被当前筛选条件隐藏</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="412" />
        <source>The language changes when LiftGuard is started again.</source>
        <translation>语言将在重新启动 LiftGuard 后更改。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="423" />
        <source>This registry holds no elevators. Import elevators (liftguard import) or generate the demo (liftguard generate).</source>
        <translation>此登记数据中没有电梯。请导入电梯(liftguard import)或生成演示数据(liftguard generate)。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="426" />
        <source>No elevator matches the filter. Reset the filters to see all %s elevators.</source>
        <translation>没有符合筛选条件的电梯。重置筛选可查看全部 %s 部电梯。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="429" />
        <source>%s elevators have no coordinates and are not drawn.</source>
        <translation>%s 部电梯没有坐标,未绘制。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="432" />
        <source>%s elevators lie outside every district boundary.</source>
        <translation>%s 部电梯不在任何区界内。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="439" />
        <source>No registry loaded.</source>
        <translation>未载入登记数据。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="443" />
        <source>Registry</source>
        <translation>登记数据</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window.py" line="446" />
        <source>%n elevator(s)</source>
        <translation><numerusform>%n 部电梯</numerusform></translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <location filename="../../app/panels/search.py" line="25" />
        <source>Registration code, rescue code or address</source>
        <translation>注册代码、救援码或地址</translation>
    </message>
    <message>
        <location filename="../../app/panels/search.py" line="41" />
        <source>No registry loaded</source>
        <translation>未载入登记数据</translation>
    </message>
    <message>
        <location filename="../../app/panels/search.py" line="47" />
        <source>Nothing found for "%s"</source>
        <translation>未找到“%s”</translation>
    </message>
    <message>
        <location filename="../../app/panels/search.py" line="49" />
        <source>%s found (%s ms)</source>
        <translation>找到 %s 条(%s 毫秒)</translation>
    </message>
</context>
</TS>