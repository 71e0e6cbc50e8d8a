"""Which torch.optim class, with which arguments, is each gdviz optimizer."""

TORCH_EQUIVALENT = {
    "gd": ("SGD", {}),
    "sgd": ("SGD", {}),  # with noise = 0 it is gd
    "momentum": ("SGD", {"momentum": 0.9}),  # ours defaults to 0.9 on purpose (DESIGN)
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "adamax": ("Adamax", {}),
    "nadam": ("NAdam", {}),  # decoupled_weight_decay=False, torch's default
    "radam": ("RAdam", {}),  # decoupled_weight_decay=False, torch's default
    "adadelta": ("Adadelta", {}),
    "rprop": ("Rprop", {}),
    "asgd": ("ASGD", {"foreach": False}),  # the single-tensor path (torch's CPU default)
    # one gdviz step = one call of step(closure) doing one iteration; strong_wolfe=True is
    # line_search_fn="strong_wolfe" (see TORCH_RENAMED)
    "lbfgs": ("LBFGS", {"max_iter": 1, "max_eval": 25}),
}

# our hyperparameter names that torch takes as one tuple argument, in tuple order
TORCH_TUPLES = {
    "betas": ("beta1", "beta2"),
    "etas": ("eta_minus", "eta_plus"),
    "step_sizes": ("step_min", "step_max"),
}

# our hyperparameters that torch takes under another name and in another form
TORCH_RENAMED = {
    "strong_wolfe": ("line_search_fn", lambda on: "strong_wolfe" if on else None),
}


# --------------------------------------------------------------------------------------
# the three-parameter landscapes written for torch, independently of gdviz's numpy code:
# a tensor of points (..., 3) -> values (...); autograd gives their gradients and Hessians
# --------------------------------------------------------------------------------------


def torch_quadratic3(p, a=1.0, b=10.0, c=50.0, coupling=3.0):
    x, y, z = p.unbind(-1)
    return 0.5 * (a * x**2 + b * y**2 + c * z**2) + coupling * x * z


def torch_rosenbrock3(p):
    x, y, z = p.unbind(-1)
    return 100 * (y - x**2) ** 2 + (1 - x) ** 2 + 100 * (z - y**2) ** 2 + (1 - y) ** 2


def torch_three_wells(p):
    centres = p.new_tensor([[1.5, -1.0, 0.8], [-1.6, 1.2, -0.6], [0.4, 1.4, 1.9]])
    depths, widths = p.new_tensor([3.0, 2.0, 1.2]), p.new_tensor([0.8, 0.7, 0.6])
    squared = ((p[..., None, :] - centres) ** 2).sum(-1)
    return 0.08 * (p**2).sum(-1) - (depths * (-squared / (2 * widths**2)).exp()).sum(-1)


TORCH_LANDSCAPES = {"quadratic3": torch_quadratic3, "rosenbrock3": torch_rosenbrock3,
                    "three_wells": torch_three_wells}
