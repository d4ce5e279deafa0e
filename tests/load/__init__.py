"""The scaled-out app under load and kill -9 (tests/load/cluster.py), also run by bench/."""
