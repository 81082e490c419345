"""``trialfinder mcp``: start the MCP server for AI assistants (see :mod:`trialfinder.mcp.server`).

The MCP SDK is an optional extra and is imported only when the server starts, so ``--help``
stays fast and the command line works without it.
"""

from __future__ import annotations

import gc

import click

from trialfinder.cli.options import OnceCommand, connection_options

#: The exit code of a usage error (see :mod:`trialfinder.cli.main`).
_EXIT_USAGE = 2
INSTALL_HINT = 'The MCP server needs the optional MCP SDK: pip install "trialfinder[mcp]"'


class MissingExtra(click.ClickException):
    """The optional MCP SDK is not installed (or is too old)."""

    exit_code = _EXIT_USAGE


@click.command("mcp", cls=OnceCommand)
@connection_options
def mcp(api_url: str | None, timeout: float, retries: int) -> None:
    """Serve trialfinder's search to AI assistants over MCP (stdin/stdout).

    An assistant's MCP client starts this command itself; it then offers four
    tools: search_trials, get_trial, count_trials and explain_search. Every
    call uses one connection to the API, with the response cache and polite
    pacing. Needs the optional extra: pip install "trialfinder[mcp]".

    \b
    Client configuration (for example in Claude Desktop):
      {"mcpServers": {"trialfinder": {"command": "trialfinder", "args": ["mcp"]}}}

    \b
    Examples:
      trialfinder mcp
      trialfinder mcp --api-url http://127.0.0.1:8080/api/v2 --no-cache
    """
    if api_url is not None:
        from trialfinder.query.values import check_api_url

        check_api_url(api_url)
    # Importing the SDK builds thousands of pydantic models that live as long as the server; the
    # cyclic collector would walk them again and again while they load. Off while importing,
    # then what was loaded goes straight to the oldest generation, as models/reading.py does
    # with a page: the first answer ~0.09 s sooner. Not left frozen: reading.py's trick stands
    # aside in a program that keeps objects frozen, and a cached repeat search took 7 times as
    # long (2.6 -> 18 ms).
    gc.disable()
    try:
        from trialfinder.mcp.server import serve
    except ImportError as exc:
        # Only a missing or too old SDK is the user's to fix; any other ImportError is a bug.
        if (exc.name or "").split(".")[0] not in ("mcp", "mcp_types"):
            raise
        raise MissingExtra(INSTALL_HINT) from None
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()
    from trialfinder.cli.calls import make_client

    with make_client(api_url, timeout, retries) as client:
        serve(client)
