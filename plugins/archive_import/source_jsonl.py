
def read_json_lines(path, text, settings): raise NotImplementedError
