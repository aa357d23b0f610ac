"""Stack policies: rules about how resources relate, judged over the whole stack after the resource policies."""
