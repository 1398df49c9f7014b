# Service auto scaling as ECS users write it in Terraform: a service whose desired count Application Auto
# Scaling owns (ignore_changes), its scalable target, a target-tracking policy on average CPU, a step policy
# driven by a CloudWatch alarm on a custom metric, and scheduled actions (cron in a time zone, and at()).
resource "aws_ecs_cluster" "scaled" {
  name = "scaled"
}

resource "aws_ecs_task_definition" "web" {
  family = "scaled-web"
  cpu    = "128"
  memory = "64"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "wharf-test/busybox:latest"
    essential = true
    command   = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.scaled.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 0

  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.scaled.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 0
  max_capacity       = 4

  tags = {
    team = "platform"
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "cpu-target-60"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = 60
    scale_in_cooldown  = 120
    scale_out_cooldown = 30

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "queue" {
  name               = "queue-depth-steps"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = 100
      scaling_adjustment          = 1
    }

    step_adjustment {
      metric_interval_lower_bound = 100
      scaling_adjustment          = 2
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "queue_deep" {
  alarm_name          = "scaled-web-queue-deep"
  alarm_description   = "orders waiting: scale the web service out"
  namespace           = "Jobs"
  metric_name         = "QueueDepth"
  dimensions          = { Queue = "orders" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = 50
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.queue.arn]
}

resource "aws_appautoscaling_scheduled_action" "weekday_mornings" {
  name               = "weekday-mornings"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  schedule           = "cron(0 8 ? * MON-FRI *)"
  timezone           = "Europe/Paris"

  scalable_target_action {
    min_capacity = 1
    max_capacity = 4
  }
}

resource "aws_appautoscaling_scheduled_action" "launch_day" {
  name               = "launch-day"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  schedule           = "at(2030-01-15T09:00:00)"

  scalable_target_action {
    min_capacity = 2
    max_capacity = 4
  }

  # One scheduled action at a time per target: AWS refuses concurrent changes.
  depends_on = [aws_appautoscaling_scheduled_action.weekday_mornings]
}

output "target_arn" {
  value = aws_appautoscaling_target.web.arn
}

output "cpu_policy_arn" {
  value = aws_appautoscaling_policy.cpu.arn
}

output "cpu_alarms" {
  value = aws_appautoscaling_policy.cpu.alarm_arns
}
