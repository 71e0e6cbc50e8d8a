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
