"""The `opit` subcommands, one module per area. Each module has `register(subcommands)`.

`register` adds its subparsers with `subcommands.add_parser(...)` and sets `handler=` on each to a
function taking the parsed arguments and returning the exit status. `cli.py` finds the modules.
"""
