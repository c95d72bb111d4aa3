# ruff: noqa: E501  (a translation table reads best one pair per entry, unwrapped)
"""Fill the Chinese translations into liftguard_zh_CN.ts (after pyside6-lupdate) and compile.

Run from the repository root:
    pyside6-lupdate -no-obsolete app/main_window.py app/menus.py app/docks.py \
        app/map_controller.py app/command_centre.py app/incident_overlays.py app/iot.py \
        app/dialogs/settings.py app/panels/*.py app/map/*.py \
        -ts resources/translations/liftguard_zh_CN.ts
    python resources/translations/fill_zh_CN.py
It fails (exit 1) if a source text has no translation here, so none is shipped untranslated.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
TS = HERE / "liftguard_zh_CN.ts"
QM = HERE / "liftguard_zh_CN.qm"

ZH = {
    "Zoom": "缩放", "All building types": "全部建筑类型", "Residential": "住宅", "Office": "办公",
    "Commercial": "商业", "Hospital": "医院", "School": "学校", "Rail transit": "轨道交通",
    "Tourist site": "旅游景点", "Industrial": "工业", "Other": "其他",
    "All elevators": "全部电梯", "Add-on elevators only": "仅加装电梯",
    "No add-on elevators": "不含加装电梯", " y": " 年", "any": "不限", "None": "无",
    "Class II": "二类", "Class I": "一类", "No device": "无装置", "Monitoring": "远程监测",
    "E-bike blocking": "电动自行车阻止", "Any retrofit status": "全部改造状态",
    "Retrofit open (any stage)": "改造进行中(任一阶段)", "No retrofit": "无改造",
    "Safety assessment": "安全评估", "Plan": "方案", "Approval": "审批", "Works": "施工",
    "Supervision inspection": "监督检验", "Back in service": "恢复使用",
    "Overdue stage only": "仅超期阶段", "Reset filters": "重置筛选", "District": "区",
    "Building": "建筑", "Add-on": "加装电梯", "Age from / below": "使用年限 从 / 低于",
    "Risk class": "风险等级", "IoT": "物联网", "Retrofit": "改造", "Complaints at least": "投诉至少",
    "All districts": "全部区", "Click an elevator on the map": "在地图上点击一部电梯",
    "Field": "字段", "Value": "值", "Elevator %s": "电梯 %s", "Years in use": "使用年限",
    "Retrofit stage overdue": "改造阶段超期", "yes": "是", "no": "否", "Note": "备注",
    "outside every district boundary": "不在任何区界内", "District boundaries": "区界",
    "Roads": "道路", "Elevators": "电梯", "Maintenance stations": "维保站点",
    "Fire stations": "消防站", "Police stations": "派出所", "District labels": "区名标注",
    "Up": "上移", "Down": "下移", "Reset": "重置", "Opacity of the selected layer": "所选图层透明度",
    "Class": "类别", "No map loaded": "未加载地图", "(%s overdue)": "(%s 超期)",
    "Stage overdue (ring)": "阶段超期(外圈)", "%s of %s elevators shown": "显示 %s / %s 部电梯",
    "counts are districts": "计数为区的个数",
    "LiftGuard - elevator emergency command": "LiftGuard - 电梯应急指挥",
    "Legend": "图例", "Layers": "图层", "Find elevator": "查找电梯", "Filters": "筛选",
    "Inspector": "属性", "Districts": "各区", "&File": "文件(&F)", "&Reload database": "重新载入数据库(&R)",
    "Load &road network (OSM)...": "载入路网(OSM)(&R)...", "&Export map image...": "导出地图图片(&E)...",
    "&Quit": "退出(&Q)", "&View": "视图(&V)", "Map views": "地图视图", "Age": "使用年限",
    "Districts: 15+ share": "各区:15年以上占比", "Districts: IoT vs target": "各区:物联网覆盖与目标",
    "Districts: Class I/II": "各区:一类/二类风险", "Zoom to &full extent": "全图(&F)",
    "&Find elevator": "查找电梯(&F)", "&Panels": "面板(&P)",
    "&Language (after restart)": "语言(重启后生效)(&L)", "System": "跟随系统",
    "Opening the database; on first run a SYNTHETIC demo registry of Shanghai (304,634 "
    "elevators) is created...": "正在打开数据库;首次运行时将生成上海的合成(SYNTHETIC)演示登记数据"
    "(304,634 部电梯)……",
    "Cancel": "取消", "LiftGuard": "LiftGuard",
    "Cancelled: no registry was created. Generate one with `liftguard generate` or import "
    "elevators.": "已取消:未生成登记数据。请用 `liftguard generate` 生成或导入电梯。",
    "Cancelled: nothing was written.": "已取消:未写入任何数据。",
    "The database could not be opened: %s": "无法打开数据库:%s",
    "No map: the database could not be opened.": "无地图:无法打开数据库。",
    "Loading road network %s ...": "正在载入路网 %s ……",
    "Loading elevator details...": "正在加载电梯详情……", "Road network": "路网",
    "OpenStreetMap (*.osm *.osm.pbf *.xml)": "OpenStreetMap (*.osm *.osm.pbf *.xml)",
    "Export map image": "导出地图图片", "PNG image (*.png);;JPEG image (*.jpg)":
    "PNG 图片 (*.png);;JPEG 图片 (*.jpg)", "Map image written to %s": "地图图片已写入 %s",
    "frame %s ms": "帧 %s 毫秒",
    "The elevator found is hidden by the current filter": "找到的电梯被当前筛选条件隐藏",
    "The language changes when LiftGuard is started again.": "语言将在重新启动 LiftGuard 后更改。",
    "This registry holds no elevators. Import elevators (liftguard import) or generate the demo "
    "(liftguard generate).": "此登记数据中没有电梯。请导入电梯(liftguard import)或生成演示数据"
    "(liftguard generate)。",
    "No elevator matches the filter. Reset the filters to see all %s elevators.":
    "没有符合筛选条件的电梯。重置筛选可查看全部 %s 部电梯。",
    "%s elevators have no coordinates and are not drawn.": "%s 部电梯没有坐标,未绘制。",
    "%s elevators lie outside every district boundary.": "%s 部电梯不在任何区界内。",
    "No registry loaded.": "未载入登记数据。", "Registry": "登记数据",
    "%n elevator(s)": "%n 部电梯",
    "Registration code, rescue code or address": "注册代码、救援码或地址",
    "No registry loaded": "未载入登记数据", "Nothing found for \"%s\"": "未找到“%s”",
    "%s found (%s ms)": "找到 %s 条(%s 毫秒)",
    # district planning panel (app/panels/planning.py)
    "Compute coverage": "计算覆盖", "Show gap layer on map": "在地图上显示缺口图层",
    "Site new stations": "选址新站点", "Load a registry and a road graph, then compute.": "请先载入登记数据和路网,再计算。",
    "Pick": "序号", "Site": "站址", "Newly covered": "新增覆盖", "Cumulative": "累计",
    "Limit": "时限", "Time of day": "时段", "Stations": "站点", "New stations": "新站点数",
    "No road graph: targets and ledgers only. Import roads for coverage and siting.": "无路网:仅显示目标和台账。导入路网后可计算覆盖和选址。",
    "%1 of %2 elevators beyond %3 min": "%2 部电梯中有 %1 部超过 %3 分钟",
    "No gap elevator can be covered by a new station.": "新站点无法覆盖任何缺口电梯。",
    "%1 new station(s) cover %2 of %3 gap elevators": "%1 个新站点覆盖 %3 部缺口电梯中的 %2 部",
    # rescue planning (app/panels/rescue.py, main window)
    "Plan rescue (R)": "规划救援 (R)", "Plan rescue": "规划救援", "Rescue": "救援", "District planning": "区域规划",
    "Plan &rescue for the selected elevator": "为所选电梯规划救援(&R)",
    "District &planning panel": "区域规划面板(&P)",
    "Road network not loaded: %s": "路网未载入:%s", "Road network loaded: %s": "路网已载入:%s",
    "Select an elevator first": "请先选择一部电梯", "Clear routes": "清除路线",
    "now": "当前时间", "08:00 morning peak": "08:00 早高峰", "17:30 evening peak": "17:30 晚高峰",
    "03:00 night": "03:00 夜间", "free flow": "畅通", "Station": "站点", "Kind": "类型",
    "ETA min": "到达(分钟)", "Distance km": "距离(公里)", "Meets limit": "满足时限", "Reason": "原因",
    "No road network is loaded, so rescue routes cannot be planned. Use File > Load road network (OSM)... or run `liftguard roads import FILE.osm --db DB` (or `liftguard roads synth --db DB` for the SYNTHETIC demo network); a graph linked to the database is loaded at start.": "未载入路网,无法规划救援路线。请使用 文件 > 载入路网(OSM)...,或运行 `liftguard roads import FILE.osm --db DB`(演示用合成路网:`liftguard roads synth --db DB`);与数据库关联的路网会在启动时自动载入。",
    "Road network %s: %s nodes. Select an elevator and press R (Plan rescue).": "路网 %s:%s 个节点。选择一部电梯后按 R(规划救援)。",
    "Cannot plan a rescue for %s: no road network is loaded. Use File > Load road network (OSM)...": "无法为 %s 规划救援:未载入路网。请使用 文件 > 载入路网(OSM)...",
    "Planning rescue for elevator %s ...": "正在为电梯 %s 规划救援...",
    "No rescue plan: %s": "无救援方案:%s", "NO": "否",
    "Elevator %s at %s: fastest %s in %s min (limit %s min); fastest route in red.": "电梯 %s,%s:最快 %s,%s 分钟(时限 %s 分钟);最快路线以红色显示。",
    # command centre: alarm intake (app/panels/alarm_intake.py)
    "Rescue code (6 digits), registration code or address": "救援码(6位)、注册代码或地址",
    "Active: passenger, car alarm, hotline": "主动:乘客、轿厢报警、热线",
    "Passive: referral (110/119/12345/property)": "被动:转警(110/119/12345/物业)",
    "Automatic: IoT device": "自动:物联网装置", "IoT device id": "物联网装置编号",
    "Create alarm (Enter)": "创建报警(回车)", "&Code / address": "代码/地址(&C)",
    "C&hannel": "渠道(&H)", "&Source": "来源(&S)", "&Type": "类型(&T)", "Device": "装置",
    "T&rapped": "被困人数(&R)", "&Note": "备注(&N)", "Entrapment": "困人", "Fire / smoke": "火灾/烟雾",
    "Injury / illness": "受伤/不适", "Water ingress": "进水", "Public order": "治安事件",
    "Power failure": "停电困梯", "Fault stop": "故障停梯", "Door fault": "门系统故障",
    "Alarm intake needs an open database with a registry.": "报警受理需要已打开且含登记数据的数据库。",
    "Car alarm button": "轿厢报警按钮", "Smart-elevator code scan": "电梯智能码扫码",
    "Hotline call": "热线电话", "Property platform": "物业平台",
    "No elevator found for \"%1\": check the code or type part of the address.": "未找到“%1”对应的电梯:请核对代码或输入部分地址。",
    "Alarm rejected: %1": "报警被拒绝:%1", "Alarm not taken in: %1": "报警未受理:%1", "Already received: incident #%1": "已受理:事件 #%1",
    "Merged into incident #%1 (every source is kept)": "已并入事件 #%1(保留全部来源)",
    "Incident #%1 opened": "已创建事件 #%1", "recommended %1, ETA %2 min": "建议 %1,预计 %2 分钟到达",
    "level %1: notify %2": "%1 级响应:通知 %2",
    # incident board and joint response (app/panels/incident_board.py, joint_response.py)
    "Enter dispatch/next · 1–9 pick · N next · F false alarm · Shift+Del cancel": "回车 派单/下一步 · 1–9 选择 · N 下一步 · F 误报 · Shift+Del 取消",
    "Incident board": "事件看板", "Recommendation (Enter confirms, digits pick)": "派单建议(回车确认,数字选择)",
    "Recommendations need a road graph: use File > Load road network (OSM)... or run `liftguard roads synth --db DB` (SYNTHETIC demo network).": "派单建议需要路网:请使用 文件 > 载入路网(OSM)...,或运行 `liftguard roads synth --db DB`(合成演示路网)。",
    "No recommendation": "无建议", "%1. %2 %3 — %4 (level %5) ETA %6 min": "%1. %2 %3 — %4(%5 级)预计 %6 分钟",
    "with %1 committed, %2 elevators have no station within the limit": "%1 出动后,%2 部电梯无站点可在时限内到达",
    "Notified": "已通知", "Acknowledged": "已确认", "Dispatched": "已出动", "On site": "已到场", "Done": "已完成",
    "Joint response": "联动处置", "Export report...": "导出报告...", "Incident report": "事件报告",
    "PDF document (*.pdf)": "PDF 文档 (*.pdf)",
    # command centre in the main window
    "Incidents appear here once a database is open.": "打开数据库后在此显示事件。",
    "Alarm intake": "报警受理", "Incidents": "事件", "&Training replay...": "培训回放(&T)...",
    "New &alarm (focus the intake)": "新报警(转到受理)(&A)", "Incident &board": "事件看板(&B)",
    "La&yout": "布局(&Y)", "&Command centre": "指挥中心(&C)", "District &planning": "区域规划(&P)",
    "No command centre: %s": "指挥中心不可用:%s", "Report written to %s": "报告已写入 %s",
    "OFFLINE: the shared database cannot be reached (%s). The board shows the last known state; actions are refused until the connection is back.": "离线:无法连接共享数据库(%s)。看板显示最后已知状态;恢复连接前操作将被拒绝。",
    "Move-up warning: with %s committed, %s elevators have no station within the limit (magenta squares)": "补位预警:%s 出动后,%s 部电梯无站点可在时限内到达(品红方块)",
    # settings dialog, supervisor dock, IoT intake in the status bar
    "&Settings...": "设置(&S)...", "LiftGuard settings": "LiftGuard 设置", " years": " 年", " min": " 分钟",
    "General": "常规", "Language": "语言", "Operator name": "操作员姓名", "Workstation id": "席位编号",
    "default: %s (login name)": "默认:%s(登录名)", "default: %s (host name)": "默认:%s(主机名)",
    "default: %s": "默认:%s", "Thresholds": "阈值", "Safety assessment at": "安全评估年限",
    "Replacement priority at": "优先更新年限", "Rescue limit, cities": "救援时限(城市)",
    "Rescue limit, counties": "救援时限(县)", "Limits per district (min)": "分区时限(分钟)",
    "Clock starts at dispatch in": "自派单起计时的区", "Changed thresholds reload the database.": "修改阈值后将重新加载数据库。",
    "IoT alarms (MQTT)": "物联网报警(MQTT)", "Take IoT alarms in from an MQTT broker": "从 MQTT 服务器接收物联网报警",
    "Broker URL": "服务器地址", "Topics": "主题", "Client id": "客户端标识",
    "Supervisor": "监督", "Supervisor view not loaded: %s": "监督视图未加载:%s",
    "IoT alarm: incident #%s": "物联网报警:事件 #%s", "IoT intake off": "物联网接入已关闭",
    "IoT: connecting to %s": "物联网:正在连接 %s", "IoT: connected to %s": "物联网:已连接 %s",
    "IoT: connection to %s lost, reconnecting": "物联网:与 %s 的连接中断,正在重连",
    "IoT: refused (%s); retrying": "物联网:连接被拒绝(%s),将重试", "IoT: not started (%s)": "物联网:未启动(%s)",
    "IoT intake stopped": "物联网接入已停止",
}


def fill(ts: Path = TS) -> list[str]:
    """Write the translations into ``ts``; returns source texts that have none."""
    tree = ET.parse(ts)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        assert tr is not None
        if tr.get("type") in ("obsolete", "vanished"):
            continue  # no longer in the sources: drop it with lupdate -no-obsolete
        text = ZH.get(source)
        if text is None:
            missing.append(source)
            continue
        tr.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            for child in list(tr):
                tr.remove(child)
            tr.text = None
            form = ET.SubElement(tr, "numerusform")
            form.text = text
        else:
            tr.text = text
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


def main() -> int:
    missing = fill()
    if missing:
        print("no translation for:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    subprocess.run(["pyside6-lrelease", str(TS), "-qm", str(QM)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
