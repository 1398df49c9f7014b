# ECS on EC2 behind an Application Load Balancer, in the default VPC: the stack most ECS users start from.
# The container instances are those already registered to the cluster `default` (wharf up's local agent),
# so the cluster is read, not made. Tasks use bridge networking with dynamic host ports: instance targets.

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

data "aws_ecs_cluster" "default" {
  cluster_name = "default"
}

resource "aws_security_group" "alb" {
  name        = "web-ec2-alb"
  description = "HTTP from anywhere to the load balancer"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    from_port   = var.listener_port
    to_port     = var.listener_port
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

resource "aws_lb" "web" {
  name               = "web-ec2"
  load_balancer_type = "application"
  subnets            = data.aws_subnets.default.ids
  security_groups    = [aws_security_group.alb.id]
}

resource "aws_lb_target_group" "web" {
  name                 = "web-ec2"
  port                 = 80
  protocol             = "HTTP"
  vpc_id               = data.aws_vpc.default.id
  target_type          = "instance"
  deregistration_delay = 0

  # A short interval, so a new task serves soon; the timeout must be below it (the default, 6 s for HTTP
  # and 10 s for TCP, is not).
  health_check {
    path                = "/"
    interval            = 5
    timeout             = 4
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = var.listener_port
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

# A rule ahead of the default action, answered by the load balancer itself: listener rules, their
# conditions and fixed responses round-trip through apply, plan and destroy.
resource "aws_lb_listener_rule" "health" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "rule"
      status_code  = "200"
    }
  }
  condition {
    path_pattern {
      values = ["/rule/*"]
    }
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web-ec2"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([{
    name         = "web"
    image        = "wharf-test/busybox:latest"
    memory       = 32
    essential    = true
    portMappings = [{ containerPort = 80, hostPort = 0, protocol = "tcp" }]
    command      = ["sh", "-c", "mkdir -p /www && echo web-ec2 > /www/index.html && exec httpd -f -p 80 -h /www"]
    # httpd as PID 1 has no SIGTERM handler: SIGKILL after 2 s rather than 30.
    stopTimeout = 2
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web-ec2"
  cluster         = data.aws_ecs_cluster.default.arn
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  launch_type     = "EC2"

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 80
  }

  # ECS refuses a target group that no listener uses yet.
  depends_on = [aws_lb_listener.http]
}

output "dns_name" {
  value = aws_lb.web.dns_name
}

output "listener_port" {
  value = aws_lb_listener.http.port
}
