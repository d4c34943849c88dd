"""Request-path benchmarks: lora_lab against hand-written routes and production.

Run ``python -m benchmarks`` (or ``make bench``); see ``benchmarks/README.md``.
"""
