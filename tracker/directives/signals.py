"""What happens to a directive that other domains react to, without directives importing them.

Notices live above directives in the layer order: :mod:`tracker.notify.services` listens here.
"""

from blinker import Namespace

_signals = Namespace()

# Sent with the directive as sender and ``tasks=`` its tasks, once it has been published.
directive_published = _signals.signal("directive-published")
