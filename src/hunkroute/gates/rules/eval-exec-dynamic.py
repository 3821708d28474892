import ast


def compute(expression, model):
    # ruleid: eval-exec-dynamic
    value = eval(expression)
    # ruleid: eval-exec-dynamic
    exec(f"result = {expression}", {})
    # ok: eval-exec-dynamic
    literal = ast.literal_eval(expression)
    # ok: eval-exec-dynamic
    model.eval()
    # ok: eval-exec-dynamic
    constant = eval("1 + 2")
    return value, literal, constant
