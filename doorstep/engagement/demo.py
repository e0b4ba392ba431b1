def load(region):
    pass
