"""The investor's pipeline, commitments on rounds, and linked loans (投贷联动) built on them."""
