<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlarmIntakePanel</name>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="82" />
        <source>Rescue code (6 digits), registration code or address</source>
        <extracomment>A complete code as typed: 6-digit rescue code or registration code (see gis.incidents.intake). Address hits listed (the operator narrows the text rather than scrolls). Pause in typing before an address is searched (a code is looked up at once).</extracomment>
        <translation>救援码(6位)、注册代码或地址</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="86" />
        <source>Active: passenger, car alarm, hotline</source>
        <translation>主动:乘客、轿厢报警、热线</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="87" />
        <source>Passive: referral (110/119/12345/property)</source>
        <translation>被动:转警(110/119/12345/物业)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="88" />
        <source>Automatic: IoT device</source>
        <translation>自动:物联网装置</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="94" />
        <source>IoT device id</source>
        <translation>物联网装置编号</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="98" />
        <source>Create alarm (Enter)</source>
        <translation>创建报警(回车)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="104" />
        <source>&amp;Code / address</source>
        <translation>代码/地址(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="105" />
        <source>C&amp;hannel</source>
        <translation>渠道(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="106" />
        <source>&amp;Source</source>
        <translation>来源(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="107" />
        <source>&amp;Type</source>
        <translation>类型(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="110" />
        <source>Device</source>
        <translation>装置</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="112" />
        <source>T&amp;rapped</source>
        <translation>被困人数(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="115" />
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="136" />
        <source>Entrapment</source>
        <translation>困人</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="136" />
        <source>Fire / smoke</source>
        <translation>火灾/烟雾</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="137" />
        <source>Injury / illness</source>
        <translation>受伤/不适</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="138" />
        <source>Water ingress</source>
        <translation>进水</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="139" />
        <source>Public order</source>
        <translation>治安事件</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="140" />
        <source>Power failure</source>
        <translation>停电困梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="140" />
        <source>Fault stop</source>
        <translation>故障停梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="141" />
        <source>Door fault</source>
        <translation>门系统故障</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="141" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="166" />
        <source>Alarm intake needs an open database with a registry.</source>
        <translation>报警受理需要已打开且含登记数据的数据库。</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="183" />
        <source>Car alarm button</source>
        <translation>轿厢报警按钮</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="184" />
        <source>Smart-elevator code scan</source>
        <translation>电梯智能码扫码</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="185" />
        <source>Hotline call</source>
        <translation>热线电话</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="186" />
        <source>Property platform</source>
        <translation>物业平台</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="232" />
        <source>No elevator found for "%1": check the code or type part of the address.</source>
        <translation>未找到“%1”对应的电梯:请核对代码或输入部分地址。</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="272" />
        <source>Alarm not taken in: %1</source>
        <translation>报警未受理:%1</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="275" />
        <source>Alarm rejected: %1</source>
        <translation>报警被拒绝:%1</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="288" />
        <source>Already received: incident #%1</source>
        <translation>已受理:事件 #%1</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="290" />
        <source>Merged into incident #%1 (every source is kept)</source>
        <translation>已并入事件 #%1(保留全部来源)</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="292" />
        <source>Incident #%1 opened</source>
        <translation>已创建事件 #%1</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="297" />
        <source>recommended %1, ETA %2 min</source>
        <translation>建议 %1,预计 %2 分钟到达</translation>
    </message>
    <message>
        <location filename="../../app/panels/alarm_intake.py" line="300" />
        <source>level %1: notify %2</source>
        <translation>%1 级响应:通知 %2</translation>
    </message>
</context>
<context>
    <name>CommandCentreController</name>
    <message>
        <location filename="../../app/command_centre.py" line="177" />
        <source>Report written to %s</source>
        <extracomment>Remote events within this many milliseconds are shown with one reload of the board. The command centre was installed or removed (check :attr:`centre`). The IoT intake's state and its text for the status bar (see :class:`app.iot.IotIntake`).</extracomment>
        <translation>报告已写入 %s</translation>
    </message>
    <message>
        <location filename="../../app/command_centre.py" line="179" />
        <source>Supervisor view not loaded: %s</source>
        <translation>监督视图未加载:%s</translation>
    </message>
    <message>
        <location filename="../../app/command_centre.py" line="269" />
        <source>OFFLINE: the shared database cannot be reached (%s). The board shows the last known state; actions are refused until the connection is back.</source>
        <translation>离线:无法连接共享数据库(%s)。看板显示最后已知状态;恢复连接前操作将被拒绝。</translation>
    </message>
    <message>
        <location filename="../../app/command_centre.py" line="317" />
        <source>IoT alarm: incident #%s</source>
        <translation>物联网报警:事件 #%s</translation>
    </message>
</context>
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
    <name>IncidentBoard</name>
    <message>
        <location filename="../../app/panels/incident_board.py" line="90" />
        <source>Enter dispatch/next · 1–9 pick · N next · F false alarm · Shift+Del cancel</source>
        <extracomment>Move-up warning after a crew is committed: station id and the elevators (DataFrame: registration_code, district_name, lon, lat, eta_before_s, eta_after_s) left uncovered.</extracomment>
        <translation>回车 派单/下一步 · 1–9 选择 · N 下一步 · F 误报 · Shift+Del 取消</translation>
    </message>
    <message>
        <location filename="../../app/panels/incident_board.py" line="97" />
        <source>Recommendation (Enter confirms, digits pick)</source>
        <translation>派单建议(回车确认,数字选择)</translation>
    </message>
    <message>
        <location filename="../../app/panels/incident_board.py" line="156" />
        <source>Recommendations need a road graph: use File &gt; Load road network (OSM)... or run `liftguard roads synth --db DB` (SYNTHETIC demo network).</source>
        <translation>派单建议需要路网:请使用 文件 &gt; 载入路网(OSM)...,或运行 `liftguard roads synth --db DB`(合成演示路网)。</translation>
    </message>
    <message>
        <location filename="../../app/panels/incident_board.py" line="161" />
        <source>No recommendation</source>
        <translation>无建议</translation>
    </message>
    <message>
        <location filename="../../app/panels/incident_board.py" line="163" />
        <source>%1. %2 %3 — %4 (level %5) ETA %6 min</source>
        <translation>%1. %2 %3 — %4(%5 级)预计 %6 分钟</translation>
    </message>
    <message>
        <location filename="../../app/panels/incident_board.py" line="215" />
        <source>with %1 committed, %2 elevators have no station within the limit</source>
        <translation>%1 出动后,%2 部电梯无站点可在时限内到达</translation>
    </message>
</context>
<context>
    <name>IncidentOverlays</name>
    <message>
        <location filename="../../app/incident_overlays.py" line="127" />
        <source>Move-up warning: with %s committed, %s elevators have no station within the limit (magenta squares)</source>
        <extracomment>Open incidents by urgency (one overlay each, named ``incidents_&lt;urgency&gt;``). Option routes fitted into the view when an incident is selected (the rest may run off it).</extracomment>
        <translation>补位预警:%s 出动后,%s 部电梯无站点可在时限内到达(品红方块)</translation>
    </message>
</context>
<context>
    <name>InspectorPanel</name>
    <message>
        <location filename="../../app/panels/inspector.py" line="34" />
        <source>Plan rescue (R)</source>
        <extracomment>The user asked to plan a rescue for this elevator row ("Plan rescue" button).</extracomment>
        <translation>规划救援 (R)</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="37" />
        <location filename="../../app/panels/inspector.py" line="55" />
        <source>Click an elevator on the map</source>
        <translation>在地图上点击一部电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="40" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="40" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="60" />
        <source>Elevator %s</source>
        <translation>电梯 %s</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="63" />
        <source>Years in use</source>
        <translation>使用年限</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="64" />
        <source>Retrofit stage overdue</source>
        <translation>改造阶段超期</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="65" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="65" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="67" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/panels/inspector.py" line="67" />
        <source>outside every district boundary</source>
        <translation>不在任何区界内</translation>
    </message>
</context>
<context>
    <name>IotIntake</name>
    <message>
        <location filename="../../app/iot.py" line="185" />
        <source>IoT intake off</source>
        <extracomment>``off`` (not enabled), ``connecting``, ``connected``, ``reconnecting`` (the connection was lost; paho reconnects), ``refused`` (unreachable or refused, also a later reconnect the broker refuses, e.g. after a restart with passwords; retried with a backoff), ``invalid`` (the settings are wrong: not retried), ``stopped``. How often the UI thread looks at the connection state (milliseconds).</extracomment>
        <translation>物联网接入已关闭</translation>
    </message>
    <message>
        <location filename="../../app/iot.py" line="186" />
        <source>IoT: connecting to %s</source>
        <translation>物联网:正在连接 %s</translation>
    </message>
    <message>
        <location filename="../../app/iot.py" line="187" />
        <source>IoT: connected to %s</source>
        <translation>物联网:已连接 %s</translation>
    </message>
    <message>
        <location filename="../../app/iot.py" line="188" />
        <source>IoT: connection to %s lost, reconnecting</source>
        <translation>物联网:与 %s 的连接中断,正在重连</translation>
    </message>
    <message>
        <location filename="../../app/iot.py" line="189" />
        <source>IoT: refused (%s); retrying</source>
        <translation>物联网:连接被拒绝(%s),将重试</translation>
    </message>
    <message>
        <location filename="../../app/iot.py" line="190" />
        <source>IoT: not started (%s)</source>
        <translation>物联网:未启动(%s)</translation>
    </message>
    <message>
        <location filename="../../app/iot.py" line="191" />
        <source>IoT intake stopped</source>
        <translation>物联网接入已停止</translation>
    </message>
</context>
<context>
    <name>JointResponsePanel</name>
    <message>
        <location filename="../../app/panels/joint_response.py" line="42" />
        <source>Notified</source>
        <translation>已通知</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="42" />
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="43" />
        <source>Dispatched</source>
        <translation>已出动</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="43" />
        <source>On site</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="44" />
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="45" />
        <source>Joint response</source>
        <translation>联动处置</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="60" />
        <source>Export report...</source>
        <translation>导出报告...</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="115" />
        <source>Incident report</source>
        <translation>事件报告</translation>
    </message>
    <message>
        <location filename="../../app/panels/joint_response.py" line="116" />
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
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
        <location filename="../../app/panels/legend.py" line="67" />
        <source>%s of %s elevators shown</source>
        <translation>显示 %s / %s 部电梯</translation>
    </message>
    <message>
        <location filename="../../app/panels/legend.py" line="70" />
        <source>counts are districts</source>
        <translation>计数为区的个数</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="103" />
        <source>LiftGuard - elevator emergency command</source>
        <extracomment>Set to any value to print a line and quit once the first map frame is painted (startup benchmark, bench/bench_map.py). The command centre was installed (or removed: check :attr:`centre`).</extracomment>
        <translation>LiftGuard - 电梯应急指挥</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="247" />
        <source>Opening the database; on first run a SYNTHETIC demo registry of Shanghai (304,634 elevators) is created...</source>
        <translation>正在打开数据库;首次运行时将生成上海的合成(SYNTHETIC)演示登记数据(304,634 部电梯)……</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="246" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="246" />
        <source>LiftGuard</source>
        <extracomment>The map shows a registry whose codes, addresses and units are still being read (two-step start, :mod:`app.loading`): inspector, search and rescue wait for them.</extracomment>
        <translation>LiftGuard</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="279" />
        <source>Cancelled: no registry was created. Generate one with `liftguard generate` or import elevators.</source>
        <translation>已取消:未生成登记数据。请用 `liftguard generate` 生成或导入电梯。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="298" />
        <source>No command centre: %s</source>
        <translation>指挥中心不可用:%s</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="338" />
        <source>Cancelled: nothing was written.</source>
        <translation>已取消:未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="334" />
        <location filename="../../app/main_window.py" line="340" />
        <source>The database could not be opened: %s</source>
        <translation>无法打开数据库:%s</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="333" />
        <location filename="../../app/main_window.py" line="341" />
        <source>No map: the database could not be opened.</source>
        <translation>无地图:无法打开数据库。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="397" />
        <source>frame %s ms</source>
        <translation>帧 %s 毫秒</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="384" />
        <location filename="../../app/main_window.py" line="388" />
        <source>The language changes when LiftGuard is started again.</source>
        <translation>语言将在重新启动 LiftGuard 后更改。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="358" />
        <location filename="../../app/main_window.py" line="413" />
        <source>Loading elevator details...</source>
        <translation>正在加载电梯详情……</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="420" />
        <source>No registry loaded.</source>
        <translation>未载入登记数据。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="424" />
        <source>Registry</source>
        <translation>登记数据</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window.py" line="427" />
        <source>%n elevator(s)</source>
        <translation><numerusform>%n 部电梯</numerusform></translation>
    </message>
</context>
<context>
    <name>MapController</name>
    <message>
        <location filename="../../app/map_controller.py" line="128" />
        <source>This registry holds no elevators. Import elevators (liftguard import) or generate the demo (liftguard generate).</source>
        <extracomment>Map overlay names and styles. The routing engine changed (``None`` while no road graph is loaded).</extracomment>
        <translation>此登记数据中没有电梯。请导入电梯(liftguard import)或生成演示数据(liftguard generate)。</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="131" />
        <source>No elevator matches the filter. Reset the filters to see all %s elevators.</source>
        <translation>没有符合筛选条件的电梯。重置筛选可查看全部 %s 部电梯。</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="134" />
        <source>%s elevators have no coordinates and are not drawn.</source>
        <translation>%s 部电梯没有坐标,未绘制。</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="137" />
        <source>%s elevators lie outside every district boundary.</source>
        <translation>%s 部电梯不在任何区界内。</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="160" />
        <source>Loading road network %s ...</source>
        <translation>正在载入路网 %s ……</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="169" />
        <source>Road network</source>
        <translation>路网</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="170" />
        <source>OpenStreetMap (*.osm *.osm.pbf *.xml)</source>
        <translation>OpenStreetMap (*.osm *.osm.pbf *.xml)</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="178" />
        <source>Road network not loaded: %s</source>
        <translation>路网未载入:%s</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="191" />
        <source>Road network loaded: %s</source>
        <translation>路网已载入:%s</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="199" />
        <source>Select an elevator first</source>
        <translation>请先选择一部电梯</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="202" />
        <source>Loading elevator details...</source>
        <translation>正在加载电梯详情……</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="255" />
        <source>The elevator found is hidden by the current filter</source>
        <translation>找到的电梯被当前筛选条件隐藏</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="279" />
        <source>Export map image</source>
        <translation>导出地图图片</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="280" />
        <source>PNG image (*.png);;JPEG image (*.jpg)</source>
        <translation>PNG 图片 (*.png);;JPEG 图片 (*.jpg)</translation>
    </message>
    <message>
        <location filename="../../app/map_controller.py" line="288" />
        <source>Map image written to %s</source>
        <translation>地图图片已写入 %s</translation>
    </message>
</context>
<context>
    <name>PlanningPanel</name>
    <message>
        <location filename="../../app/panels/planning.py" line="83" />
        <source>Compute coverage</source>
        <extracomment>Columns of the figures table: (key in the merged frame, header).</extracomment>
        <translation>计算覆盖</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="84" />
        <source>Show gap layer on map</source>
        <translation>在地图上显示缺口图层</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="88" />
        <source>Site new stations</source>
        <translation>选址新站点</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="90" />
        <source>Load a registry and a road graph, then compute.</source>
        <translation>请先载入登记数据和路网,再计算。</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="99" />
        <source>Pick</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="99" />
        <source>Site</source>
        <translation>站址</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="100" />
        <source>Newly covered</source>
        <translation>新增覆盖</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="100" />
        <source>Cumulative</source>
        <translation>累计</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="104" />
        <source>Limit</source>
        <translation>时限</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="105" />
        <source>Time of day</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="109" />
        <source>Stations</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="114" />
        <source>New stations</source>
        <translation>新站点数</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="147" />
        <source>No road graph: targets and ledgers only. Import roads for coverage and siting.</source>
        <translation>无路网:仅显示目标和台账。导入路网后可计算覆盖和选址。</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="249" />
        <source>%1 of %2 elevators beyond %3 min</source>
        <translation>%2 部电梯中有 %1 部超过 %3 分钟</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="266" />
        <source>No gap elevator can be covered by a new station.</source>
        <translation>新站点无法覆盖任何缺口电梯。</translation>
    </message>
    <message>
        <location filename="../../app/panels/planning.py" line="275" />
        <source>%1 new station(s) cover %2 of %3 gap elevators</source>
        <translation>%1 个新站点覆盖 %3 部缺口电梯中的 %2 部</translation>
    </message>
</context>
<context>
    <name>RescuePanel</name>
    <message>
        <location filename="../../app/panels/rescue.py" line="76" />
        <source>Clear routes</source>
        <translation>清除路线</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="79" />
        <source>Time of day</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="115" />
        <source>Road network %s: %s nodes. Select an elevator and press R (Plan rescue).</source>
        <translation>路网 %s:%s 个节点。选择一部电梯后按 R(规划救援)。</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="137" />
        <source>Cannot plan a rescue for %s: no road network is loaded. Use File &gt; Load road network (OSM)...</source>
        <translation>无法为 %s 规划救援:未载入路网。请使用 文件 &gt; 载入路网(OSM)...</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="148" />
        <source>Planning rescue for elevator %s ...</source>
        <translation>正在为电梯 %s 规划救援...</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="161" />
        <source>No rescue plan: %s</source>
        <translation>无救援方案:%s</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="172" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="173" />
        <source>NO</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="75" />
        <location filename="../../app/panels/rescue.py" line="182" />
        <source>free flow</source>
        <translation>畅通</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="73" />
        <source>now</source>
        <extracomment>Hour of each time-of-day choice (None: now; -1: free flow); labels in ``_time_labels``. The options of the last plan (list of RescueOption), empty when cleared. Routes to draw: list of [(lon, lat), ...], fastest first; an empty list clears them.</extracomment>
        <translation>当前时间</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="73" />
        <source>08:00 morning peak</source>
        <translation>08:00 早高峰</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="74" />
        <source>17:30 evening peak</source>
        <translation>17:30 晚高峰</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="74" />
        <source>03:00 night</source>
        <translation>03:00 夜间</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="84" />
        <source>Station</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="84" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="84" />
        <source>ETA min</source>
        <translation>到达(分钟)</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="84" />
        <source>Distance km</source>
        <translation>距离(公里)</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="85" />
        <source>Meets limit</source>
        <translation>满足时限</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="85" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="109" />
        <source>No road network is loaded, so rescue routes cannot be planned. Use File &gt; Load road network (OSM)... or run `liftguard roads import FILE.osm --db DB` (or `liftguard roads synth --db DB` for the SYNTHETIC demo network); a graph linked to the database is loaded at start.</source>
        <translation>未载入路网,无法规划救援路线。请使用 文件 &gt; 载入路网(OSM)...,或运行 `liftguard roads import FILE.osm --db DB`(演示用合成路网:`liftguard roads synth --db DB`);与数据库关联的路网会在启动时自动载入。</translation>
    </message>
    <message>
        <location filename="../../app/panels/rescue.py" line="185" />
        <source>Elevator %s at %s: fastest %s in %s min (limit %s min); fastest route in red.</source>
        <translation>电梯 %s,%s:最快 %s,%s 分钟(时限 %s 分钟);最快路线以红色显示。</translation>
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
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/dialogs/settings.py" line="65" />
        <source>LiftGuard settings</source>
        <extracomment>Settings keys of each group (a group is "changed" when one of its keys is).</extracomment>
        <translation>LiftGuard 设置</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="68" />
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="72" />
        <location filename="../../app/dialogs/settings.py" line="73" />
        <source> years</source>
        <translation> 年</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="74" />
        <location filename="../../app/dialogs/settings.py" line="75" />
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="78" />
        <source>Take IoT alarms in from an MQTT broker</source>
        <translation>从 MQTT 服务器接收物联网报警</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="95" />
        <source>default: %s (login name)</source>
        <translation>默认:%s(登录名)</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="96" />
        <source>default: %s (host name)</source>
        <translation>默认:%s(主机名)</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="102" />
        <source>default: %s</source>
        <translation>默认:%s</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="104" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="105" />
        <source>The language changes when LiftGuard is started again.</source>
        <translation>语言将在重新启动 LiftGuard 后更改。</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="108" />
        <source>Operator name</source>
        <translation>操作员姓名</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="109" />
        <source>Workstation id</source>
        <translation>席位编号</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="111" />
        <source>Safety assessment at</source>
        <translation>安全评估年限</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="112" />
        <source>Replacement priority at</source>
        <translation>优先更新年限</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="113" />
        <source>Rescue limit, cities</source>
        <translation>救援时限(城市)</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="114" />
        <source>Rescue limit, counties</source>
        <translation>救援时限(县)</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="115" />
        <source>Limits per district (min)</source>
        <translation>分区时限(分钟)</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="116" />
        <source>Clock starts at dispatch in</source>
        <translation>自派单起计时的区</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="117" />
        <source>Changed thresholds reload the database.</source>
        <translation>修改阈值后将重新加载数据库。</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="120" />
        <source>Broker URL</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="121" />
        <source>Topics</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="122" />
        <source>Client id</source>
        <translation>客户端标识</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="129" />
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="129" />
        <source>Thresholds</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../../app/dialogs/settings.py" line="130" />
        <source>IoT alarms (MQTT)</source>
        <translation>物联网报警(MQTT)</translation>
    </message>
</context>
<context>
    <name>WindowDocks</name>
    <message>
        <location filename="../../app/docks.py" line="29" />
        <source>Incidents appear here once a database is open.</source>
        <translation>打开数据库后在此显示事件。</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="31" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="32" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="33" />
        <source>Alarm intake</source>
        <translation>报警受理</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="34" />
        <source>Find elevator</source>
        <translation>查找电梯</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="35" />
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="36" />
        <source>Inspector</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="37" />
        <source>Rescue</source>
        <translation>救援</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="38" />
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="39" />
        <source>Joint response</source>
        <translation>联动处置</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="40" />
        <source>Districts</source>
        <translation>各区</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="41" />
        <source>District planning</source>
        <translation>区域规划</translation>
    </message>
    <message>
        <location filename="../../app/docks.py" line="42" />
        <source>Supervisor</source>
        <translation>监督</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <location filename="../../app/menus.py" line="51" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="52" />
        <source>&amp;Reload database</source>
        <translation>重新载入数据库(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="54" />
        <source>Load &amp;road network (OSM)...</source>
        <translation>载入路网(OSM)(&amp;R)...</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="56" />
        <source>&amp;Export map image...</source>
        <translation>导出地图图片(&amp;E)...</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="60" />
        <source>&amp;Training replay...</source>
        <translation>培训回放(&amp;T)...</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="62" />
        <source>&amp;Settings...</source>
        <translation>设置(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="66" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="71" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="72" />
        <source>Map views</source>
        <translation>地图视图</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="77" />
        <source>Age</source>
        <translation>使用年限</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="77" />
        <source>Risk class</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="77" />
        <source>IoT</source>
        <translation>物联网</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="78" />
        <source>Retrofit</source>
        <translation>改造</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="78" />
        <source>Districts: 15+ share</source>
        <translation>各区:15年以上占比</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="79" />
        <source>Districts: IoT vs target</source>
        <translation>各区:物联网覆盖与目标</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="80" />
        <source>Districts: Class I/II</source>
        <translation>各区:一类/二类风险</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="92" />
        <source>Zoom to &amp;full extent</source>
        <translation>全图(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="97" />
        <source>&amp;Find elevator</source>
        <translation>查找电梯(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="99" />
        <source>Plan &amp;rescue for the selected elevator</source>
        <translation>为所选电梯规划救援(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="102" />
        <source>Plan rescue</source>
        <translation>规划救援</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="107" />
        <source>New &amp;alarm (focus the intake)</source>
        <translation>新报警(转到受理)(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="110" />
        <source>Incident &amp;board</source>
        <translation>事件看板(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="112" />
        <source>La&amp;yout</source>
        <translation>布局(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="113" />
        <source>&amp;Command centre</source>
        <translation>指挥中心(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="114" />
        <source>District &amp;planning</source>
        <translation>区域规划(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="118" />
        <source>District &amp;planning panel</source>
        <translation>区域规划面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="120" />
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="123" />
        <source>&amp;Language (after restart)</source>
        <translation>语言(重启后生效)(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/menus.py" line="125" />
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
</context>
</TS>