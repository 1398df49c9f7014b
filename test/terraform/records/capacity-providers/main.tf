# An ECS cluster on EC2 capacity that scales itself, as ECS users write it in Terraform: a launch template
# whose user data names the cluster, an Auto Scaling group from it (scale-in protection on, as managed
# termination protection needs), a capacity provider with managed scaling, the cluster's providers and
# default strategy, a service that places its tasks through the provider, and one instance of its own.
resource "aws_ecs_cluster" "fleet" {
  name = "fleet"
}

resource "aws_launch_template" "hosts" {
  name          = "fleet-hosts"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"
  user_data     = base64encode("#!/bin/bash\necho ECS_CLUSTER=fleet >> /etc/ecs/ecs.config\n")

  iam_instance_profile {
    name = "ecsInstanceRole"
  }
}

# A host outside the group, as users also run them: launched from a template without user data (the
# provider sends it empty), its own user data naming the cluster it joins.
resource "aws_launch_template" "standalone" {
  name          = "fleet-standalone"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "c5.large"

  iam_instance_profile {
    name = "ecsInstanceRole"
  }
}

resource "aws_instance" "standalone" {
  launch_template {
    id      = aws_launch_template.standalone.id
    version = "$Latest"
  }
  user_data = "#!/bin/bash\necho ECS_CLUSTER=fleet >> /etc/ecs/ecs.config\n"
  tags      = { Name = "standalone" }

  # Its container instance leaves the cluster before the cluster goes.
  depends_on = [aws_ecs_cluster.fleet]
}

resource "aws_autoscaling_group" "hosts" {
  name                  = "fleet-hosts"
  min_size              = 0
  max_size              = 4
  desired_capacity      = 0
  availability_zones    = ["us-east-1a", "us-east-1b"]
  protect_from_scale_in = true

  launch_template {
    id      = aws_launch_template.hosts.id
    version = "$Latest"
  }

  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }

  # Managed scaling owns the desired capacity once the provider exists (the service starts with none).
  lifecycle {
    ignore_changes = [desired_capacity]
  }
}

# A user's own policies on the group, beside ECS's managed one: target tracking (with its alarms) and step.
resource "aws_autoscaling_policy" "cpu" {
  name                   = "fleet-cpu-50"
  autoscaling_group_name = aws_autoscaling_group.hosts.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 50
  }
}

resource "aws_autoscaling_policy" "burst" {
  name                   = "fleet-burst"
  autoscaling_group_name = aws_autoscaling_group.hosts.name
  policy_type            = "StepScaling"
  adjustment_type        = "ChangeInCapacity"

  step_adjustment {
    metric_interval_lower_bound = 0
    scaling_adjustment          = 1
  }
}

resource "aws_ecs_capacity_provider" "hosts" {
  name = "fleet-hosts"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.hosts.arn
    managed_termination_protection = "ENABLED"

    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 2
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "fleet" {
  cluster_name       = aws_ecs_cluster.fleet.name
  capacity_providers = [aws_ecs_capacity_provider.hosts.name]

  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.hosts.name
    base              = 1
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "web" {
  family = "fleet-web"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "wharf-test/busybox:latest"
    essential = true
    cpu       = 256
    memory    = 128
    command   = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.fleet.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 0

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.hosts.name
    weight            = 1
  }

  depends_on = [aws_ecs_cluster_capacity_providers.fleet]
}

output "group_arn" {
  value = aws_autoscaling_group.hosts.arn
}

output "capacity_provider_arn" {
  value = aws_ecs_capacity_provider.hosts.arn
}

output "standalone_instance_id" {
  value = aws_instance.standalone.id
}

output "cpu_policy_arn" {
  value = aws_autoscaling_policy.cpu.arn
}
