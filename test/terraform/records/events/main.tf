# The seed's "Amazon EventBridge" flow as Terraform users write it: a role EventBridge assumes to run
# tasks, a task definition, a rule every hour that runs a Fargate batch task in the default VPC, and a
# rule on a custom bus whose event pattern runs an EC2 task with an input transformer's overrides.
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

resource "aws_iam_role" "events" {
  name = "events-run-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "run_task" {
  name = "run-task"
  role = aws_iam_role.events.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:RunTask", Resource = "*" }]
  })
}

resource "aws_ecs_cluster" "batch" {
  name = "batch"
}

resource "aws_ecs_task_definition" "batch" {
  family                   = "nightly-batch"
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

resource "aws_cloudwatch_event_rule" "hourly" {
  name                = "hourly-batch"
  description         = "runs the batch task every hour"
  schedule_expression = "rate(1 hour)"
  tags                = { team = "wharf" }
}

resource "aws_cloudwatch_event_target" "hourly" {
  rule      = aws_cloudwatch_event_rule.hourly.name
  target_id = "batch"
  arn       = aws_ecs_cluster.batch.arn
  role_arn  = aws_iam_role.events.arn

  ecs_target {
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
}

resource "aws_cloudwatch_event_bus" "uploads" {
  name = "uploads"
}

resource "aws_cloudwatch_event_rule" "csv" {
  name           = "csv-uploaded"
  event_bus_name = aws_cloudwatch_event_bus.uploads.name
  event_pattern = jsonencode({
    source        = ["my.uploads"]
    "detail-type" = ["Object Uploaded"]
    detail        = { key = [{ suffix = ".csv" }] }
  })
}

resource "aws_cloudwatch_event_target" "csv" {
  rule           = aws_cloudwatch_event_rule.csv.name
  event_bus_name = aws_cloudwatch_event_bus.uploads.name
  target_id      = "handler"
  arn            = aws_ecs_cluster.batch.arn
  role_arn       = aws_iam_role.events.arn

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.batch.arn
    launch_type         = "EC2"
    network_configuration {
      subnets = data.aws_subnets.default.ids
    }
  }

  input_transformer {
    input_paths    = { key = "$.detail.key" }
    input_template = <<-EOT
      {"containerOverrides": [{"name": "batch", "command": ["echo", <key>]}]}
    EOT
  }
}

output "hourly_rule_arn" {
  value = aws_cloudwatch_event_rule.hourly.arn
}

output "csv_rule_arn" {
  value = aws_cloudwatch_event_rule.csv.arn
}
