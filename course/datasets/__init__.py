"""Real data bundled with the course (nothing is downloaded): ``mauna_loa``, weekly CO2 readings.
Each module states its source and licence; ``README.md`` in this folder says the same."""
