"""Learning-rate schedules. They know nothing of optimizers.

A schedule exposes ``learning_rate``, counts the epochs it has run (its
constructor takes the count and the rate back, which is how a saved schedule
is restored), updates the rate in ``epoch_end(t)`` (``t`` counts the samples
seen so far), and answers ``on_plateau()`` when the monitored quantity
stopped improving: ``True`` to go on training (it lowered the rate),
``False`` to stop.

``FACTORS`` holds the shapes of the annealing schedules as functions of the
fraction of training done, ``t`` in [0, 1], returning a factor: what anneals
another quantity (dropout, weight decay) by the same rules.
"""

import math


class Constant:
    """:math:`\\eta_t = \\eta_0`."""

    def __init__(
        self,
        learning_rate_init,
        *,
        power_t=0.5,
        n_epochs=200,
        epoch=0,
        learning_rate=None,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = (
            learning_rate_init if learning_rate is None else learning_rate
        )
        self.power_t, self.n_epochs, self.epoch = power_t, n_epochs, epoch

    def epoch_end(self, t):
        self.epoch += 1
        self.update(self.epoch, t)

    def update(self, epoch, t):
        pass

    def on_plateau(self):
        return False


class InvScaling(Constant):
    """:math:`\\eta_t = \\eta_0 / (t + 1)^{p}`, ``t`` counting samples."""

    def update(self, epoch, t):
        self.learning_rate = self.learning_rate_init / (t + 1) ** self.power_t


class Adaptive(Constant):
    """Divide the rate by 5 at each plateau; stop once it is at most 1e-6."""

    min_learning_rate = 1e-6

    def on_plateau(self):
        if self.learning_rate <= self.min_learning_rate:
            return False
        self.learning_rate /= 5.0
        return True


# Factors of the fraction of training done, t in [0, 1]: a schedule's shape,
# for the learning rate or any other quantity annealed during training.
def cosine(t):
    """:math:`(1 + \\cos \\pi t) / 2`: from 1 down to 0."""
    return 0.5 * (1 + math.cos(math.pi * t))


def flat_cos(t):
    """1 for the first half of training, then a cosine down to 0."""
    return 1.0 if t <= 0.5 else cosine(2 * t - 1)


def coslog4(t):
    """RealMLP's :math:`(1 - \\cos(2 \\pi \\log_2(1 + 15 t))) / 2`: four
    cycles from 0 up to 1 and back, each twice as long as the one before."""
    return 0.5 * (1 - math.cos(2 * math.pi * math.log2(1 + 15 * t)))


def constant(t):
    return 1.0


FACTORS = {
    "constant": constant,
    "cosine": cosine,
    "flat_cos": flat_cos,
    "coslog4": coslog4,
}


class Annealed(Constant):
    """:math:`\\eta_e = \\eta_0 \\, \\mathrm{factor}(t_e)`, ``t_e`` the fraction of
    the ``n_epochs`` done after ``e`` epochs (1 from then on)."""

    factor = staticmethod(cosine)

    def progress(self, epoch):
        return min(epoch / max(self.n_epochs, 1), 1.0)

    def update(self, epoch, t):
        self.learning_rate = self.learning_rate_init * self.factor(self.progress(epoch))


class Cosine(Annealed):
    """Cosine annealing from :math:`\\eta_0` towards 0 over ``n_epochs``.

    .. math:: \\eta_e = \\frac{\\eta_0}{2} (1 + \\cos(\\pi e / E))
    """


class FlatCosine(Annealed):
    """:math:`\\eta_0` for the first half of ``n_epochs``, then cosine annealing.

    .. math::

        \\eta_e = \\eta_0 \\quad (e \\le E / 2), \\qquad
        \\eta_e = \\frac{\\eta_0}{2} (1 + \\cos(\\pi (2 e / E - 1)))
        \\quad (e > E / 2)
    """

    factor = staticmethod(flat_cos)


class Coslog4(Annealed):
    """RealMLP's learning rate (Holzmüller et al. 2024): four cosine cycles,
    even in :math:`\\log_2(1 + 15 t)`.

    .. math::

        \\eta_e = \\frac{\\eta_0}{2} (1 - \\cos(2 \\pi \\log_2(1 + 15 t_e))),
        \\qquad t_e = \\frac{e + 1/2}{E}

    RealMLP changes the rate at every step; here it changes once per epoch,
    taken at the epoch's middle: at its start the rate would be 0, and the
    whole first epoch wasted.
    """

    factor = staticmethod(coslog4)

    def __init__(self, learning_rate_init, **kwargs):
        super().__init__(learning_rate_init, **kwargs)
        self.update(self.epoch, 0)  # the rate of the epoch to come

    def progress(self, epoch):
        return min((epoch + 0.5) / max(self.n_epochs, 1), 1.0)


class Warmup:
    """A linear warm-up over ``warmup_epochs`` in front of any schedule.

    Epoch ``e < warmup_epochs`` uses :math:`\\eta_0 (e + 1) / (W + 1)`; then the
    wrapped schedule runs, counting its epochs from the end of the warm-up.
    """

    def __init__(self, schedule, warmup_epochs, epochs_done=0):
        self.schedule, self.warmup_epochs = schedule, warmup_epochs
        self.epochs_done = epochs_done

    @property
    def learning_rate(self):
        if self.epochs_done < self.warmup_epochs:
            ramp = (self.epochs_done + 1) / (self.warmup_epochs + 1)
            return self.schedule.learning_rate_init * ramp
        return self.schedule.learning_rate

    def epoch_end(self, t):
        self.epochs_done += 1
        if self.epochs_done > self.warmup_epochs:
            self.schedule.epoch_end(t)

    def on_plateau(self):
        return self.schedule.on_plateau()


def make_schedule(
    name, learning_rate_init, *, power_t=0.5, n_epochs=200, warmup_epochs=0
):
    """The schedule ``name``, behind a warm-up when ``warmup_epochs > 0``."""
    # cosine anneals over the epochs left after the warm-up
    schedule = SCHEDULES[name](
        learning_rate_init, power_t=power_t, n_epochs=n_epochs - warmup_epochs
    )
    return Warmup(schedule, warmup_epochs) if warmup_epochs else schedule


SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
    "cosine": Cosine,
    "flat_cos": FlatCosine,
    "coslog4": Coslog4,
}
