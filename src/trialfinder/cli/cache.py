"""``trialfinder cache``: see and clear the local response cache.

Light to import: the cache module is loaded only when a subcommand runs.
"""

from __future__ import annotations

import click

from trialfinder.cli.options import OnceGroup


@click.group(cls=OnceGroup)
def cache() -> None:
    """See or clear the local cache of API answers.

    Repeated searches within an hour are answered from this cache without asking the
    API. Use --no-cache or --cache-ttl SECONDS on a search to change that; the cache
    lives in $TRIALFINDER_CACHE_DIR, else $XDG_CACHE_HOME/trialfinder, else
    ~/.cache/trialfinder (on macOS and Windows, the system's cache folder: see 'cache
    info'), readable by you only. Saved searches ('watch run') always ask the API afresh.

    \b
    Examples:
      trialfinder cache info
      trialfinder cache clear
      trialfinder search -c ALL -i blinatumomab --no-cache
    """


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)  # pragma: no cover


@cache.command()
def info() -> None:
    """Show where the cache is, its size and how many answers it holds.

    \b
    Example:
      trialfinder cache info
    """
    from trialfinder.http.cache import DEFAULT_TTL, cache_info

    details = cache_info()
    click.echo(f"Cache file: {details['path']}")
    if not details["exists"]:
        click.echo("Empty: nothing cached yet.")
        return
    click.echo(f"Size: {_size(details['bytes'])}")
    click.echo(f"Stored answers: {details['responses']:,}")
    click.echo(f"Answers are reused for {DEFAULT_TTL} seconds unless --cache-ttl says otherwise.")


@cache.command()
def clear() -> None:
    """Delete every cached answer.

    \b
    Example:
      trialfinder cache clear
    """
    from trialfinder.http.cache import cache_path, clear_cache

    freed = clear_cache()
    click.echo(f"Cleared the cache at {cache_path()} ({_size(freed)} freed).")
