"""Test scaffolding: serve a fixture district while ``mapping.load`` does not exist yet.

The browser-test server puts this directory on ``PYTHONPATH`` only when
``mapping.load`` cannot be imported; once the loader lands this file is unused.
``WIJK_STUB=evil`` serves the hostile-names fixture for the escaping test;
``WIJK_STUB_PICKLE=PATH`` serves a pickled ``Dataset`` (the benchmark's synthetic city).
"""

import os
import sys
import types

try:
    import mapping.load  # noqa: F401
except ImportError:
    import pandas as pd

    from tests.render.conftest import make_dataset

    if os.environ.get("WIJK_STUB_PICKLE"):
        import pickle

        with open(os.environ["WIJK_STUB_PICKLE"], "rb") as handle:
            _dataset = pickle.load(handle)  # a file the benchmark itself just wrote
    else:
        _dataset = make_dataset(evil=os.environ.get("WIJK_STUB") == "evil")
    _result = types.SimpleNamespace(ok=True, dataset=_dataset, errors=[], warnings=[],
                                    issues=pd.DataFrame())
    _module = types.ModuleType("mapping.load")
    _module.load_path = lambda path, lang="nl": _result
    _module.load_files = lambda files, lang="nl": _result
    sys.modules["mapping.load"] = _module
