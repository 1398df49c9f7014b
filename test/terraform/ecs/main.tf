# The three ECS stacks applied as one root, as a user's larger configuration would hold them: ECS on EC2
# behind an ALB in the default VPC, Fargate behind an NLB in the default VPC, Fargate behind an ALB in a VPC
# made here. One apply lets the provider's fixed waits (30 s and more after each load balancer is created)
# overlap instead of adding up. Each folder is also a root of its own (bench/terraform applies one alone).

variable "ec2_alb_port" {
  type = number
}

variable "fargate_nlb_port" {
  type = number
}

variable "fargate_alb_port" {
  type = number
}

module "ec2_alb_default_vpc" {
  source        = "./ec2-alb-default-vpc"
  listener_port = var.ec2_alb_port
}

module "fargate_nlb_default_vpc" {
  source        = "./fargate-nlb-default-vpc"
  listener_port = var.fargate_nlb_port
}

module "fargate_alb_vpc" {
  source        = "./fargate-alb-vpc"
  listener_port = var.fargate_alb_port
}

# Where each stack's listener answers, by stack folder.
output "listeners" {
  value = {
    "ec2-alb-default-vpc"     = { dns_name = module.ec2_alb_default_vpc.dns_name, port = module.ec2_alb_default_vpc.listener_port }
    "fargate-nlb-default-vpc" = { dns_name = module.fargate_nlb_default_vpc.dns_name, port = module.fargate_nlb_default_vpc.listener_port }
    "fargate-alb-vpc"         = { dns_name = module.fargate_alb_vpc.dns_name, port = module.fargate_alb_vpc.listener_port }
  }
}
