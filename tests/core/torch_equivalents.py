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
}
