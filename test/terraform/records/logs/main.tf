# The log groups an ECS service's task definition writes to with awslogs: retention and tags, as users
# declare them beside their services.
resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/app"
  retention_in_days = 14
  tags              = { team = "wharf", env = "test" }
}

resource "aws_cloudwatch_log_group" "sidecar" {
  name_prefix = "/ecs/sidecar-"
}

output "app_arn" {
  value = aws_cloudwatch_log_group.app.arn
}

output "sidecar_name" {
  value = aws_cloudwatch_log_group.sidecar.name
}
