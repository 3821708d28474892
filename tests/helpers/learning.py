"""Providers whose claims lie both ways, for the learning, audit and learned-plan tests."""

from __future__ import annotations

# cheap claims 8.7 for review (above review's min_quality 8.5) and 7.5 for debugging (below
# debugging's 8.0); mid is dearer and claims 8.9; premium is the yardstick at 9.4.
PROVIDERS = """
upgrade_share: 0
providers:
  - {name: cheap, base_url: http://x, model: c, cost_per_input_token: 1.0e-7,
     cost_per_output_token: 2.0e-7, quality: {review: 8.7, debugging: 7.5, boilerplate: 8},
     supported_tasks: [review, debugging, boilerplate]}
  - {name: mid, base_url: http://x, model: m, cost_per_input_token: 5.0e-7,
     cost_per_output_token: 1.5e-6, quality: 8.9, supported_tasks: [review, debugging, boilerplate]}
  - {name: premium, base_url: http://x, model: p, cost_per_input_token: 2.0e-6,
     cost_per_output_token: 8.0e-6, quality: 9.4, supported_tasks: [review, debugging, boilerplate]}
"""
