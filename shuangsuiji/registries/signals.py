"""Signals the directories send before a change that other apps may veto.

``identifier_changing`` goes out, inside the service's transaction, before an entity's
credit code or an inspector's certificate number changes. A receiver raises a
``DomainError`` to refuse (the draws refuse it while the row sits in a frozen, unrevealed
announcement). Sent with ``send``, so the exception reaches the caller.
"""

from django.dispatch import Signal

identifier_changing = Signal()  # sender: model class; kwargs: instance, old, new
