#!/usr/bin/env python3
"""Reference process trees from MSTICPy's own builder (dev-only; tests never run this).

Usage: python3 scripts/make-ptree-fixtures.py <msticpy-checkout (e.g. git archive HEAD msticpy/transform)> <lab-data-dir> <out-dir>

Runs msticpy/transform/proc_tree_builder.build_process_tree (v3 source, imported
from a checkout with tiny stubs for its unrelated imports) on the lab's
process_tree and processes_on_host exports, loaded the way the lab's pickles
were typed (manifest.json), and writes, per file, one row per tree node:
[proc_key, parent_key, IsRoot, IsLeaf, IsBranch, level, parent_row], where level
is the number of path segments and parent_row the fixture row of the parent
(-1 for none). Output: <out-dir>/ptree-<name>.json.gz. Needs pandas (Debian
python3-pandas 1.5).
"""
import gzip, json, os, shutil, sys, tempfile, types

src, data_dir, out_dir = sys.argv[1:4]
tmp = tempfile.mkdtemp()
pkg = os.path.join(tmp, "msticpy")
os.makedirs(os.path.join(pkg, "transform")); os.makedirs(os.path.join(pkg, "common"))
for f in ["proc_tree_builder.py", "proc_tree_build_winlx.py", "proc_tree_schema.py", "process_tree_utils.py"]:
    shutil.copy(os.path.join(src, "msticpy", "transform", f), os.path.join(pkg, "transform", f))
open(os.path.join(pkg, "__init__.py"), "w").close()
open(os.path.join(pkg, "transform", "__init__.py"), "w").close()
open(os.path.join(pkg, "common", "__init__.py"), "w").close()
open(os.path.join(pkg, "_version.py"), "w").write('VERSION = "reference"\n')
open(os.path.join(pkg, "common", "exceptions.py"), "w").write("class MsticpyUserError(Exception):\n    pass\n")
open(os.path.join(pkg, "transform", "proc_tree_build_mde.py"), "w").write(
    "def extract_process_tree(*a, **k):\n    raise NotImplementedError\n"
    "def convert_mde_schema_to_internal(*a, **k):\n    raise NotImplementedError\n")
# msticpy.common.data_utils.ensure_df_datetimes, reduced to what the builder uses.
open(os.path.join(pkg, "common", "data_utils.py"), "w").write(
    "import pandas as pd\n"
    "def ensure_df_datetimes(data, columns=None, add_utc_tz=True):\n"
    "    columns = [columns] if isinstance(columns, str) else columns\n"
    "    cmap = {c: 'datetime64[ns, UTC]' for c in set(columns) if c in data.columns and not pd.api.types.is_datetime64_any_dtype(data[c])}\n"
    "    out = data.astype(cmap, errors='ignore')\n"
    "    for c in {c for c in columns if c in data.select_dtypes('datetime')}:\n"
    "        out[c] = out[c].dt.tz_localize('UTC')\n"
    "    return out\n")
sys.modules["typing_extensions"] = types.SimpleNamespace(Self=object)
sys.path.insert(0, tmp)
import pandas as pd
from msticpy.transform.proc_tree_builder import build_process_tree

manifest = json.load(open(os.path.join(data_dir, "manifest.json")))
for name in ["process_tree", "processes_on_host"]:
    df = pd.read_json(os.path.join(data_dir, f"{name}.ndjson"), lines=True, dtype=False)
    for col, typ in manifest[name]["columns"].items():
        if typ.startswith("datetime64"):
            df[col] = pd.to_datetime(df[col]).dt.tz_localize(None)
    tree = build_process_tree(df)
    keys = list(tree.index)
    pos = {k: i for i, k in enumerate(keys) if isinstance(k, str)}
    by_source = {s: k for k, s in zip(keys, tree["source_index"])}
    rows = []
    for key, r in zip(keys, tree.itertuples(index=False)):
        segs = r.path.split("/")
        parent = by_source.get(segs[-2]) if len(segs) > 1 else None
        rows.append([key if isinstance(key, str) else None,
                     r.parent_key if isinstance(r.parent_key, str) else None,
                     bool(r.IsRoot), bool(r.IsLeaf), bool(r.IsBranch), len(segs),
                     pos.get(parent, -1) if parent is not None else -1])
    out = os.path.join(out_dir, f"ptree-{name}.json.gz")
    with gzip.open(out, "wt", encoding="utf8") as fh:
        json.dump({"source": f"msticpy build_process_tree on lab-data/{name}.ndjson", "input_rows": len(df), "rows": rows}, fh)
    print(name, len(df), "->", len(rows), "roots", int(tree.IsRoot.sum()), out, os.path.getsize(out))
shutil.rmtree(tmp)
