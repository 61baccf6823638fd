"""scikit-learn's estimator checks on every configuration we ship."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skbackprop import BackpropClassifier, BackpropRegressor

SOLVERS = ("sgd", "adam", "lbfgs")


def _configurations():
    for solver in SOLVERS:
        for Estimator in (BackpropClassifier, BackpropRegressor):
            yield Estimator(solver=solver, max_iter=100, random_state=0)
    # loss="poisson" is not listed: sklearn's check_regressor_multioutput feeds
    # negative targets whatever the positive_only tag says, and a Poisson model
    # must refuse those. tests/test_regressor.py covers the Poisson loss.


@parametrize_with_checks(list(_configurations()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
