"""Refreshers when a product changes (产品变更复训): see cases.models.refreshers."""
