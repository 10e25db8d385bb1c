"""`gonghui browse`: a read-only local web app over the warehouse (issue 19 point 1)."""
