# A DynamoDB table as Terraform users write one: hash and range keys, a GSI, an LSI, TTL, streams, tags,
# point-in-time recovery left off; and a second, provisioned table with a GSI of its own throughput.
resource "aws_dynamodb_table" "orders" {
  name         = "tf-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "customer"
  range_key    = "order_id"

  attribute {
    name = "customer"
    type = "S"
  }
  attribute {
    name = "order_id"
    type = "N"
  }
  attribute {
    name = "state"
    type = "S"
  }
  attribute {
    name = "placed"
    type = "N"
  }

  global_secondary_index {
    name            = "by-state"
    hash_key        = "state"
    range_key       = "placed"
    projection_type = "INCLUDE"
    non_key_attributes = ["total"]
  }

  local_secondary_index {
    name            = "by-placed"
    range_key       = "placed"
    projection_type = "KEYS_ONLY"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  tags = { team = "shop" }
}

resource "aws_dynamodb_table" "counters" {
  name           = "tf-counters"
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "id"

  attribute {
    name = "id"
    type = "S"
  }
  attribute {
    name = "kind"
    type = "S"
  }

  global_secondary_index {
    name            = "by-kind"
    hash_key        = "kind"
    projection_type = "ALL"
    read_capacity   = 2
    write_capacity  = 2
  }

  deletion_protection_enabled = false
}

resource "aws_dynamodb_table_item" "first" {
  table_name = aws_dynamodb_table.counters.name
  hash_key   = aws_dynamodb_table.counters.hash_key
  item       = jsonencode({ id = { S = "visits" }, kind = { S = "page" }, n = { N = "1" } })
}

output "orders_arn" {
  value = aws_dynamodb_table.orders.arn
}

output "stream_arn" {
  value = aws_dynamodb_table.orders.stream_arn
}
