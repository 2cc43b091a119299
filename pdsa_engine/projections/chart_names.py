"""The chart types spc.analyse computes, apart from spc.py so that `pdsa spc analyse --help` names them without
importing numpy."""

CHARTS = ("run", "i", "mr", "p", "pp", "u", "up", "c", "g", "t")
