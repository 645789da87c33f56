"""Step 4 of the pipeline: parse the three standard tables. (Being written.)"""
