
def read_feed(path, text, settings): raise NotImplementedError
