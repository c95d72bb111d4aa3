"""The offline coverage map: no internet links, and it renders in headless Chromium offline."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from gis.config import Config
from gis.coverage import coverage_by, district_names, elevator_coverage, service_areas
from gis.export_map import build_coverage_map, external_links, write_coverage_map
from gis.report import ExportError
from gis.routing import RoutingEngine

AS_OF = dt.date(2026, 11, 21)
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def world(small_registry, shanghai_districts):
    from gis.synth_roads import synth_road_arrays

    cfg = Config(as_of=AS_OF)
    roads = synth_road_arrays(districts=shanghai_districts, target_nodes=8000, seed=4)
    engine = RoutingEngine(roads, stations=small_registry.stations, config=cfg)
    cov = elevator_coverage(engine, small_registry, config=cfg, limit_s=600.0,
                            kinds=["maintenance"])
    table = coverage_by(cov, names=district_names(small_registry))
    areas = service_areas(engine, small_registry.stations.iloc[:40], mode="split",
                          cell_m=500)
    return small_registry, roads, cov, table, areas


@pytest.fixture(scope="module")
def map_file(world, tmp_path_factory) -> Path:
    reg, roads, cov, table, areas = world
    fmap = build_coverage_map(reg, cov, table, service_areas=areas,
                              road_source=roads.meta["label"], as_of=AS_OF)
    out = tmp_path_factory.mktemp("map") / "coverage.html"
    write_coverage_map(fmap, out)
    return out


def test_html_is_self_contained_and_labelled(map_file: Path, world) -> None:
    text = map_file.read_text(encoding="utf-8")
    assert external_links(text) == []
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", text)
    assert "L.map(" in text and "L.heatLayer" in text and "L.markerClusterGroup" in text
    # synthetic roads are named as such and claim no OpenStreetMap data
    assert "Roads: SYNTHETIC road network" in text
    assert "© OpenStreetMap contributors" not in text
    assert "SYNTHETIC registry" in text and "2026-11-21" in text
    assert '"maxZoom": 19' in text
    gaps = int(world[2]["gap"].sum())
    assert gaps > 0 and f"{gaps:,} of 6,000 elevators beyond 10 min" in text


def test_external_link_detector() -> None:
    assert external_links('<script src="https://cdn.x/leaflet.js"></script>')
    assert external_links("<link rel=stylesheet href=//cdn.x/a.css>")
    assert not external_links('<a href="https://www.openstreetmap.org/copyright">OSM</a>')


def _chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp}", "--proxy-server=127.0.0.1:9",
         "--window-size=1200,900", *args],
        capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="chromium not installed")
def test_map_renders_offline_in_chromium(map_file: Path, tmp_path: Path) -> None:
    # --proxy-server to a closed port: any network request would fail, so what renders came
    # from the file itself.
    t0 = time.perf_counter()
    dom = _chromium(["--virtual-time-budget=4000", "--dump-dom", map_file.as_uri()],
                    tmp_path / "p1").stdout
    elapsed = time.perf_counter() - t0
    assert "leaflet-container" in dom
    assert "leaflet-heatmap-layer" in dom           # heat map canvas added
    assert "marker-cluster" in dom                  # clusters drawn
    assert "leaflet-control-layers" in dom and "Service areas" in dom
    assert "lg-legend" in dom and "SYNTHETIC road network" in dom
    assert elapsed < 30
    shot = tmp_path / "map.png"
    _chromium(["--virtual-time-budget=4000", f"--screenshot={shot}", map_file.as_uri()],
              tmp_path / "p2")
    from PIL import Image

    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    background = np.array([221, 221, 221])  # Leaflet's empty-map grey
    coloured = np.abs(img - background).sum(axis=2) > 60
    assert coloured.mean() > 0.15, "map looks blank"
    # district choropleth colours and red gap markers are present
    red = (img[..., 0] > 180) & (img[..., 1] < 120) & (img[..., 2] < 100)
    assert red.sum() > 200


def test_unwritable_path_leaves_nothing(world, tmp_path: Path) -> None:
    reg, _roads, cov, table, _areas = world
    fmap = build_coverage_map(reg, cov, table, as_of=AS_OF)
    with pytest.raises(ExportError, match="does not exist"):
        write_coverage_map(fmap, tmp_path / "missing" / "map.html")
    with pytest.raises(ExportError, match="is a folder"):
        write_coverage_map(fmap, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_osm_roads_are_credited(world) -> None:
    reg, _roads, cov, table, _areas = world
    label = "OpenStreetMap (© OpenStreetMap contributors, ODbL)"
    html = build_coverage_map(reg, cov, table, road_source=label, as_of=AS_OF) \
        .get_root().render()
    assert f"Roads: {label}" in html
