
def read_html_page(path, text, settings): raise NotImplementedError
