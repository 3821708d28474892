import yaml


def read_config(text):
    # ruleid: yaml-unsafe-load
    first = yaml.load(text, Loader=yaml.Loader)
    # ruleid: yaml-unsafe-load
    second = yaml.unsafe_load(text)
    # ruleid: yaml-unsafe-load
    third = yaml.load(text, yaml.FullLoader)
    # ok: yaml-unsafe-load
    fourth = yaml.safe_load(text)
    # ok: yaml-unsafe-load
    fifth = yaml.load(text, Loader=yaml.SafeLoader)
    return first, second, third, fourth, fifth
