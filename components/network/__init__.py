"""Network components: the cell's private VPC, its subnets, the locked-down default security group, flow logs."""
