"""Reference fixtures for huntlab's STL, time-series anomalies and DBSCAN clustering.

usage: /usr/bin/python3 scripts/make-stl-fixtures.py [LAB_DATA_DIR]

Dev-only: needs statsmodels, scipy, scikit-learn and pandas (Debian:
`apt-get install -y python3-statsmodels python3-sklearn`). The tests never run
Python; they read the JSON this script writes to test/analysis/fixtures/:

- stl.json: statsmodels' STL (trend, seasonal, resid, weights) on the lab's
  hourly `timeseries` and on other series (robust on/off, other periods and
  smoother lengths, degree 0, jumps > 1, short series, outliers, CO2).
- stl-msticpy-lab.json: MSTICPy's `timeseries_anomalies_stl` post-processing
  of the lab series (integer casting, z-score, spike/dip labels), re-done here
  step by step as MSTICPy documents it, so huntlab's "msticpy" mode can be
  checked value by value.
- features.json: MSTICPy's process features (its formulas: sum of code
  points, CRC32 of UTF-8, delimiter counts and hashes, log10) on a sample of
  the lab's processes_on_host, computed with Python's own `ord`, `re` and
  `binascii.crc32`.
- dbscan.json: scikit-learn's Normalizer + DBSCAN labels on the lab's
  host_logons features (AccountNum, TargetUserNum, LogonType, eps 0.0001) and
  on seeded random blobs, plus MSTICPy's cluster summary rows.

LAB_DATA_DIR defaults to /work/shared/lab-data (the NDJSON exports).
"""
import binascii
import json
import math
import platform
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn.cluster import DBSCAN
from sklearn.preprocessing import Normalizer
from statsmodels.datasets import co2
from statsmodels.tsa.seasonal import STL

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "analysis" / "fixtures"


def generator_info():
    return {
        "script": "scripts/make-stl-fixtures.py",
        "python": platform.python_version(),
        "statsmodels": statsmodels.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def floats(values):
    # json writes floats with repr(): shortest round-trip form, no precision lost.
    return [float(v) for v in values]


def load_lab_series(lab_dir):
    frame = pd.read_json(lab_dir / "timeseries.ndjson", lines=True, dtype={"TotalBytesSent": str})
    frame["TimeGenerated"] = pd.to_datetime(frame["TimeGenerated"], utc=True)
    return frame


def stl_case(name, y, description, **kwargs):
    fit_kwargs = {k: kwargs.pop(k) for k in ("inner_iter", "outer_iter") if k in kwargs}
    model = STL(np.asarray(y, dtype=float), **kwargs)
    res = model.fit(**fit_kwargs)
    return {
        "name": name,
        "description": description,
        "params": {**model.config, **fit_kwargs},
        "y": floats(y),
        "trend": floats(res.trend),
        "seasonal": floats(res.seasonal),
        "resid": floats(res.resid),
        "weights": floats(res.weights),
    }


def stl_cases(lab):
    rng = np.random.RandomState(20240611)
    lab_y = lab["TotalBytesSent"].astype(float).to_numpy()
    cases = [
        stl_case("lab-timeseries", lab_y, "lab timeseries (168 hourly points), MSTICPy's call: period 24, seasonal 7", period=24, seasonal=7),
        stl_case("lab-timeseries-robust", lab_y, "lab timeseries, robust", period=24, seasonal=7, robust=True),
    ]

    # Monthly-like series: trend + yearly cycle + noise.
    t = np.arange(120)
    monthly = 50 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12) + 3 * np.cos(4 * np.pi * t / 12) + rng.normal(0, 1.5, t.size)
    cases.append(stl_case("monthly-p12-s13", monthly, "synthetic, period 12, seasonal 13", period=12, seasonal=13))

    # Weekly cycle with outliers, robust and not.
    t = np.arange(98)
    weekly = 100 + 5 * np.sin(2 * np.pi * t / 7) + 0.05 * t ** 1.5 + rng.normal(0, 1, t.size)
    weekly[[10, 45, 46, 80]] += [60, -45, 70, 90]
    cases.append(stl_case("outliers-p7", weekly, "synthetic with outliers, period 7, seasonal 9", period=7, seasonal=9))
    cases.append(stl_case("outliers-p7-robust", weekly, "synthetic with outliers, robust", period=7, seasonal=9, robust=True))

    # Explicit trend/low-pass lengths, degree 0 smoothers and jumps > 1.
    t = np.arange(240)
    hourly = 1000 + 200 * np.sin(2 * np.pi * t / 24) + 2 * t + rng.normal(0, 30, t.size)
    cases.append(stl_case(
        "jumps-deg0", hourly, "period 24, seasonal 11, trend 61, low_pass 27, degrees 0/1/0, jumps 2/5/3",
        period=24, seasonal=11, trend=61, low_pass=27, seasonal_deg=0, trend_deg=1, low_pass_deg=0,
        seasonal_jump=2, trend_jump=5, low_pass_jump=3,
    ))
    cases.append(stl_case(
        "jumps-robust", hourly, "period 24, robust, jumps 3/4/2, 3 inner and 4 outer iterations",
        period=24, seasonal=7, robust=True, seasonal_jump=3, trend_jump=4, low_pass_jump=2, inner_iter=3, outer_iter=4,
    ))

    # Short series: seasonal subseries shorter than the seasonal smoother; an uneven last cycle.
    t = np.arange(50)
    short = 20 + np.sin(2 * np.pi * t / 12) * 4 + rng.normal(0, 0.5, t.size)
    cases.append(stl_case("short-p12", short, "50 points, period 12, seasonal 7 (subseries of 4-5 points)", period=12, seasonal=7))
    t = np.arange(17)
    tiny = np.array([3.0, 5, 9, 4, 3, 6, 10, 5, 2, 7, 11, 6, 3, 6, 12, 5, 4])
    cases.append(stl_case("tiny-p4", tiny, "17 points, period 4, seasonal 3", period=4, seasonal=3))

    # The paper's kind of data: Mauna Loa CO2, monthly means (as in statsmodels' example).
    data = co2.load_pandas().data
    monthly_co2 = data.resample("M").mean().ffill()["co2"].to_numpy()
    cases.append(stl_case("co2-monthly", monthly_co2, "Mauna Loa CO2 monthly means (statsmodels' STL example)", period=12, seasonal=7))
    cases.append(stl_case("co2-monthly-robust", monthly_co2, "Mauna Loa CO2, robust, seasonal 13", period=12, seasonal=13, robust=True))
    return cases


def msticpy_lab(lab):
    """MSTICPy's timeseries_anomalies_stl on the lab series, step by step."""
    data = lab.set_index("TimeGenerated")
    res = STL(data, seasonal=7, period=24).fit()
    result = data.copy()
    result["residual"] = res.resid
    result["trend"] = res.trend
    result["seasonal"] = res.seasonal
    result["weights"] = res.weights
    result["baseline"] = result["seasonal"] + result["trend"]
    result = result.fillna(0).astype("int64")
    result["score"] = stats.zscore(result["residual"])
    result.loc[(result["score"] > 3) & (result["seasonal"] > 0), "anomalies"] = 1
    result.loc[(result["score"] > 3) & (result["seasonal"] < 0), "anomalies"] = -1
    result.loc[(result["score"] < 3), "anomalies"] = 0
    result["anomalies"] = result["anomalies"].astype("int64")
    result = result.reset_index()
    rows = []
    for rec in result.to_dict("records"):
        rows.append({
            "TimeGenerated": rec["TimeGenerated"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            **{k: int(rec[k]) for k in ("TotalBytesSent", "residual", "trend", "seasonal", "weights", "baseline", "anomalies")},
            "score": float(rec["score"]),
        })
    return {"generator": generator_info(), "call": "timeseries_anomalies_stl(data, seasonal=7, period=24, score_threshold=3)", "rows": rows}


def string_score(text):
    return sum(ord(c) for c in text)


def merge_clusters(data, labels, time_column):
    """MSTICPy's cluster summary: noise rows first, then one exemplar per cluster."""
    out = []
    cluster_set, counts = np.unique(labels, return_counts=True)
    for cluster_id, count in zip(cluster_set, counts):
        members = np.flatnonzero(labels == cluster_id)
        times = data[time_column].iloc[members]
        first, last = times.min(), times.max()
        fmt = lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        if cluster_id == -1:
            for idx in members:
                out.append({"row": int(idx), "ClusterId": -1, "Clustered": False, "ClusterSize": 1,
                            "FirstEventTime": fmt(first), "LastEventTime": fmt(last)})
        else:
            out.append({"row": int(members[0]), "ClusterId": int(cluster_id), "Clustered": True,
                        "ClusterSize": int(count), "FirstEventTime": fmt(first), "LastEventTime": fmt(last)})
    return out


def dbscan_fixture(lab_dir):
    logons = pd.read_json(lab_dir / "host_logons.ndjson", lines=True, convert_dates=False)
    logons["TimeGenerated"] = pd.to_datetime(logons["TimeGenerated"])
    logons["AccountNum"] = logons["Account"].map(string_score)
    logons["TargetUserNum"] = logons["TargetUserName"].map(string_score)
    columns = ["AccountNum", "TargetUserNum", "LogonType"]
    x = logons[columns].to_numpy(dtype=float)
    x_norm = Normalizer().fit_transform(x)
    model = DBSCAN(eps=0.0001, min_samples=2).fit(x_norm)
    lab_case = {
        "name": "host_logons",
        "description": "lab host_logons; features AccountNum = sum of code points of Account, TargetUserNum = of TargetUserName, LogonType; Normalizer; DBSCAN(eps=0.0001, min_samples=2)",
        "columns": columns,
        "eps": 0.0001,
        "minSamples": 2,
        "labels": [int(v) for v in model.labels_],
        "core": [int(v) for v in model.core_sample_indices_],
        "clusters": merge_clusters(logons, model.labels_, "TimeGenerated"),
    }

    # Seeded 3-D blobs with scattered noise: exercises border points and noise.
    rng = np.random.RandomState(7)
    centres = rng.uniform(-10, 10, size=(6, 3))
    points = np.vstack([c + rng.normal(0, 0.6, size=(150, 3)) for c in centres] + [rng.uniform(-12, 12, size=(100, 3))])
    blobs = {}
    for eps, min_samples in ((0.5, 5), (0.8, 10)):
        m = DBSCAN(eps=eps, min_samples=min_samples).fit(points)
        blobs[f"eps{eps}-min{min_samples}"] = {"eps": eps, "minSamples": min_samples, "labels": [int(v) for v in m.labels_],
                                               "core": [int(v) for v in m.core_sample_indices_]}
    normalized = Normalizer().fit_transform(points)
    m = DBSCAN(eps=0.05, min_samples=4).fit(normalized)
    blobs["normalized-eps0.05-min4"] = {"eps": 0.05, "minSamples": 4, "normalize": True, "labels": [int(v) for v in m.labels_],
                                        "core": [int(v) for v in m.core_sample_indices_],
                                        "normalized": [floats(r) for r in normalized[:20]]}
    return {
        "generator": generator_info(),
        "host_logons": lab_case,
        "blobs": {"points": [floats(p) for p in points], "runs": blobs},
    }


DELIMS = r'[\s\-\\/\.,"\'|&:;%$()]'


def features_fixture(lab_dir):
    procs = pd.read_json(lab_dir / "processes_on_host.ndjson", lines=True, convert_dates=False)
    sample = procs.iloc[list(range(0, len(procs), max(1, len(procs) // 300)))][["NewProcessName", "CommandLine", "SubjectLogonId"]]
    rows = []
    for name, cmd, logon in sample.itertuples(index=False):
        name = "" if not isinstance(name, str) else name
        cmd = "" if not isinstance(cmd, str) else cmd
        path_score = sum(ord(c) for c in name)
        delims = re.findall(DELIMS, cmd)
        rows.append({
            "NewProcessName": name,
            "CommandLine": cmd,
            "SubjectLogonId": logon,
            "processName": name.split("\\")[-1],
            "pathScore": path_score,
            "pathLogScore": math.log10(path_score) if path_score else 0,
            "pathHash": binascii.crc32(name.encode("utf-8")),
            "commandlineLen": len(cmd),
            "commandlineLogLen": math.log10(len(cmd)) if cmd else 0,
            "commandlineTokensFull": len(delims),
            "commandlineScore": sum(ord(c) for c in cmd),
            "commandlineTokensHash": binascii.crc32("".join(delims).encode("utf-8")),
            "isSystemSession": logon in ("0x3e7", "-1"),
        })
    extra = ["", "a", "héllo wörld ✓ 𝄞", "C:\\Windows\\System32\\cmd.exe /c \"echo hi\"", "tab\tand\nnewline"]
    strings = [{"text": t, "score": sum(ord(c) for c in t), "crc32": binascii.crc32(t.encode("utf-8")),
                "delimCount": len(re.findall(DELIMS, t)), "delimHash": binascii.crc32("".join(re.findall(DELIMS, t)).encode("utf-8")),
                "tokenCount": len(t.split(" "))} for t in extra]
    return {"generator": generator_info(), "rows": rows, "strings": strings}


def write(name, payload):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(payload, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main():
    lab_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/lab-data")
    lab = load_lab_series(lab_dir)
    assert len(lab) == 168, len(lab)
    write("stl.json", {"generator": generator_info(), "cases": stl_cases(lab)})
    write("stl-msticpy-lab.json", msticpy_lab(lab))
    write("dbscan.json", dbscan_fixture(lab_dir))
    write("features.json", features_fixture(lab_dir))


if __name__ == "__main__":
    main()
