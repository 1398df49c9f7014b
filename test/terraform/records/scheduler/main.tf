# The seed's "Amazon EventBridge" flow with EventBridge Scheduler, as Terraform users write it: a role
# Scheduler assumes to run tasks, a task definition, a schedule group with tags, a recurring schedule every
# hour in a time zone with a flexible window that runs a Fargate batch task in the default VPC, and a
# one-off at() schedule on EC2, disabled (provider 5.x has no action_after_completion).
data "aws_caller_identity" "current" {}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_iam_role" "scheduler" {
  name = "scheduler-run-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "scheduler.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "run_task" {
  name = "run-task"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:RunTask", Resource = "*" }]
  })
}

resource "aws_ecs_cluster" "batch" {
  name = "scheduled"
}

resource "aws_ecs_task_definition" "batch" {
  family                   = "scheduled-batch"
  requires_compatibilities = ["FARGATE", "EC2"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name      = "batch"
    image     = "wharf-test/busybox:latest"
    essential = true
    command   = ["echo", "batch"]
  }])
}

resource "aws_scheduler_schedule_group" "reports" {
  name = "reports"
  tags = { team = "wharf" }
}

resource "aws_scheduler_schedule" "hourly" {
  name                         = "hourly-batch"
  group_name                   = aws_scheduler_schedule_group.reports.name
  description                  = "runs the batch task every hour"
  schedule_expression          = "cron(5 * * * ? *)"
  schedule_expression_timezone = "Europe/Paris"
  start_date                   = "2030-01-01T00:00:00Z"
  end_date                     = "2031-01-01T00:00:00Z"

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 15
  }

  target {
    arn      = aws_ecs_cluster.batch.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ containerOverrides = [{ name = "batch", environment = [{ name = "RUN", value = "hourly" }] }] })

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.batch.arn
      task_count          = 1
      launch_type         = "FARGATE"
      propagate_tags      = "TASK_DEFINITION"
      tags                = { started = "hourly" }
      network_configuration {
        subnets          = data.aws_subnets.default.ids
        assign_public_ip = true
      }
    }

    retry_policy {
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }

    dead_letter_config {
      arn = "arn:aws:sqs:us-east-1:${data.aws_caller_identity.current.account_id}:scheduler-dlq"
    }
  }
}

resource "aws_scheduler_schedule" "once" {
  name                = "once"
  schedule_expression = "at(2030-06-01T09:00:00)"
  state               = "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.batch.arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.batch.arn
      launch_type         = "EC2"
      network_configuration {
        subnets = data.aws_subnets.default.ids
      }
    }
  }
}

output "hourly_schedule_arn" {
  value = aws_scheduler_schedule.hourly.arn
}

output "once_schedule_arn" {
  value = aws_scheduler_schedule.once.arn
}

output "group_arn" {
  value = aws_scheduler_schedule_group.reports.arn
}
