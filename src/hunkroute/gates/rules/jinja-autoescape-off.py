import jinja2
from jinja2 import Environment, FileSystemLoader, select_autoescape

# ruleid: jinja-autoescape-off
plain = Environment(loader=FileSystemLoader("templates"))
# ruleid: jinja-autoescape-off
off = jinja2.Environment(loader=FileSystemLoader("templates"), autoescape=False)
# ruleid: jinja-autoescape-off
inline = jinja2.Template("<p>{{ name }}</p>")
# ok: jinja-autoescape-off
safe = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
# ok: jinja-autoescape-off
strict = jinja2.Environment(autoescape=True)
