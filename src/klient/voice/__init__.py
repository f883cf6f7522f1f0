"""Voice of the customer (issue 17): recurring topics per week, and the corrective actions
they lead to."""
