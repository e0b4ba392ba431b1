def load(region) -> None:
    pass
