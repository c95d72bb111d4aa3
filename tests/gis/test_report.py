"""PDF report (looked at as PNG), XLSX ledger with Chinese headers, GeoPackage layers, atomicity."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gis.config import Config
from gis.coverage import coverage_by, district_names, elevator_coverage
from gis.planning import plan_districts
from gis.report import (
    ExportError,
    atomic_target,
    write_gpkg_layers,
    write_ledger_xlsx,
    write_report_pdf,
)
from gis.routing import RoutingEngine

AS_OF = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def world(small_registry, shanghai_districts):
    from gis.synth_roads import synth_road_arrays

    cfg = Config(as_of=AS_OF)
    roads = synth_road_arrays(districts=shanghai_districts, target_nodes=8000, seed=4)
    engine = RoutingEngine(roads, stations=small_registry.stations, config=cfg)
    cov = elevator_coverage(engine, small_registry, config=cfg, limit_s=600.0)
    table = coverage_by(cov, names=district_names(small_registry))
    return small_registry, cov, table, plan_districts(small_registry, cfg), cfg


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_one_page_per_district_and_pages_render(world, tmp_path: Path) -> None:
    reg, cov, table, planning, cfg = world
    out = tmp_path / "report.pdf"
    sites = pd.DataFrame({"site_id": ["N1"], "name": ["拟建"], "lon": [121.75], "lat": [31.1]})
    write_report_pdf(out, reg, planning, coverage=cov, coverage_table=table, new_sites=sites,
                     targets=cfg.iot_targets, districts=["310115", "310101"])
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.M)  # cover + 2 districts
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert "浦东新区" in text and "问题电梯台账" in text and "SYNTHETIC" in text
    assert "黄浦区" in text and "评估优先队列" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(out), str(tmp_path / "page")],
                   check=True, capture_output=True)
    from PIL import Image

    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    img = np.asarray(Image.open(pages[1]).convert("RGB")).astype(int)
    ink = (img.sum(axis=2) < 600).mean()
    assert ink > 0.03, "district page is nearly blank"
    red = (img[..., 0] > 180) & (img[..., 1] < 90) & (img[..., 2] < 90)
    assert red.sum() > 20  # gap elevators on the map


def test_xlsx_ledger_has_chinese_headers(world, tmp_path: Path) -> None:
    import openpyxl

    reg, _cov, table, planning, _cfg = world
    out = write_ledger_xlsx(tmp_path / "ledger.xlsx", planning, coverage_table=table,
                            label=reg.label)
    book = openpyxl.load_workbook(out, read_only=True)
    assert {"区汇总", "覆盖缺口", "问题电梯台账", "改造进度", "改造逾期", "上行超速保护",
            "评估优先队列", "物联网目标"} <= set(book.sheetnames)
    head = [c.value for c in next(book["问题电梯台账"].iter_rows(max_row=1))]
    assert head[:3] == ["区划代码", "所在区", "注册代码"]
    assert "整改期限" in head and "已销项" in head
    rows = book["问题电梯台账"].max_row - 1
    assert rows == len(planning.ledger) > 0
    cov_head = [c.value for c in next(book["覆盖缺口"].iter_rows(max_row=1))]
    assert "覆盖缺口电梯" in cov_head and "缺口-住宅电梯" in cov_head


def test_gpkg_layers(world, tmp_path: Path) -> None:
    import pyogrio

    reg, cov, table, _planning, _cfg = world
    out = write_gpkg_layers(tmp_path / "planning.gpkg", reg, cov, table)
    layers = dict(pyogrio.list_layers(out))
    assert {"districts", "gap_elevators", "stations"} <= set(layers)
    gaps = pyogrio.read_dataframe(out, layer="gap_elevators")
    assert len(gaps) == int(cov["gap"].sum()) and gaps.crs.to_epsg() == 4326
    d = pyogrio.read_dataframe(out, layer="districts")
    assert d["gaps"].sum() == int(cov["gap"].sum())


def test_atomic_target_keeps_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_target(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == \
        ["out.pdf"]
    with pytest.raises(ExportError, match=r"folder .* does not exist"), \
            atomic_target(tmp_path / "nope" / "x.pdf"):
        pass
