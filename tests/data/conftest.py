"""Shared settings for the data tests."""

import pandas as pd

# Read workbooks in tests with the same engine the loader uses (and pandas will default to).
pd.set_option("io.excel.xlsx.reader", "calamine")
