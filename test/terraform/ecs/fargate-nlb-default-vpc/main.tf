# ECS on Fargate behind a Network Load Balancer, in the default VPC: a cluster of its own, awsvpc tasks in
# the default subnets with public addresses, registered by address (ip targets) to a TCP target group.

variable "listener_port" {
  type    = number
  default = 80
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_ecs_cluster" "app" {
  name = "app-fargate"
}

# A Network Load Balancer keeps the client's address, so the tasks let HTTP in from anywhere.
resource "aws_security_group" "task" {
  name        = "app-fargate-task"
  description = "HTTP to the tasks"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "app" {
  name               = "app-fargate"
  load_balancer_type = "network"
  subnets            = data.aws_subnets.default.ids
}

resource "aws_lb_target_group" "app" {
  name                 = "app-fargate"
  port                 = 80
  protocol             = "TCP"
  vpc_id               = data.aws_vpc.default.id
  target_type          = "ip"
  deregistration_delay = 0

  # A short interval, so a new task serves soon; the timeout must be below it (the default, 6 s for HTTP
  # and 10 s for TCP, is not).
  health_check {
    protocol            = "TCP"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "tcp" {
  load_balancer_arn = aws_lb.app.arn
  port              = var.listener_port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app-fargate"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name         = "app"
    image        = "wharf-test/busybox:latest"
    essential    = true
    portMappings = [{ containerPort = 80, protocol = "tcp" }]
    command      = ["sh", "-c", "mkdir -p /www && echo app-fargate > /www/index.html && exec httpd -f -p 80 -h /www"]
    stopTimeout  = 2
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app-fargate"
  cluster         = aws_ecs_cluster.app.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = data.aws_subnets.default.ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = true
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 80
  }

  depends_on = [aws_lb_listener.tcp]
}

output "dns_name" {
  value = aws_lb.app.dns_name
}

output "listener_port" {
  value = aws_lb_listener.tcp.port
}
