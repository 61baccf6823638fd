"""Learning-rate schedules. They know nothing of optimizers.

A schedule exposes ``learning_rate``, updates it in ``epoch_end(epoch, t)``
(``t`` counts the samples seen so far) and answers ``on_plateau()`` when the
monitored quantity stopped improving: ``True`` to go on training (it lowered
the rate), ``False`` to stop.
"""


class Constant:
    """:math:`\\eta_t = \\eta_0`."""

    def __init__(self, learning_rate_init, power_t=0.5):
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.learning_rate = learning_rate_init

    def epoch_end(self, epoch, t):
        pass

    def on_plateau(self):
        return False


class InvScaling(Constant):
    """:math:`\\eta_t = \\eta_0 / (t + 1)^{p}`, ``t`` counting samples."""

    def epoch_end(self, epoch, t):
        self.learning_rate = self.learning_rate_init / (t + 1) ** self.power_t


class Adaptive(Constant):
    """Divide the rate by 5 at each plateau; stop once it is at most 1e-6."""

    min_learning_rate = 1e-6

    def on_plateau(self):
        if self.learning_rate <= self.min_learning_rate:
            return False
        self.learning_rate /= 5.0
        return True


SCHEDULES = {"constant": Constant, "invscaling": InvScaling, "adaptive": Adaptive}
