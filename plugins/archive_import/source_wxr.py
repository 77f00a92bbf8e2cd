
def read_wxr(path, text, settings): raise NotImplementedError
