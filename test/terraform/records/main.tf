# The stacks that only make records (no listener, no image push, no task running) applied as one root, as a
# user's larger configuration would hold them: one provider start-up per command instead of one per stack.
# Each folder is also a root of its own.

module "iam" {
  source = "./iam"
}

module "logs" {
  source = "./logs"
}

module "dynamodb" {
  source = "./dynamodb"
}

module "ecr" {
  source = "./ecr"
}

module "events" {
  source = "./events"
}

module "scheduler" {
  source = "./scheduler"
}

module "efs" {
  source = "./efs"
}

module "autoscaling" {
  source = "./autoscaling"
}

module "vpc" {
  source = "./vpc"
}

module "capacity_providers" {
  source = "./capacity-providers"
}

# Each stack's outputs, by stack folder.
output "stacks" {
  value = {
    "iam"                = module.iam
    "logs"               = module.logs
    "dynamodb"           = module.dynamodb
    "ecr"                = module.ecr
    "events"             = module.events
    "scheduler"          = module.scheduler
    "efs"                = module.efs
    "autoscaling"        = module.autoscaling
    "vpc"                = module.vpc
    "capacity-providers" = module.capacity_providers
  }
}
