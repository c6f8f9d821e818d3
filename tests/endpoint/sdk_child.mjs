// A JavaScript SDK v3 child for the forwarding endpoint tests: S3 (list,
// get, multipart put), DynamoDB, SQS and STS calls, each through whatever
// AWS_ENDPOINT_URL points at. Usage: node sdk_child.mjs BUCKET KEY TABLE QUEUE_NAME
import { S3Client, ListObjectsV2Command, GetObjectCommand, CreateMultipartUploadCommand,
         UploadPartCommand, CompleteMultipartUploadCommand } from "@aws-sdk/client-s3";
import { DynamoDBClient, PutItemCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { SQSClient, GetQueueUrlCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";

const [bucket, key, table, queue] = process.argv.slice(2);
// Path-style: the endpoint is an IP address.
const s3 = new S3Client({ forcePathStyle: true });
await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
await got.Body.transformToString();
const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "js/multi.bin" }));
const part = Buffer.alloc(5 * 1024 * 1024, 7);
const parts = [];
for (const number of [1, 2]) {
  const sent = await s3.send(new UploadPartCommand({
    Bucket: bucket, Key: "js/multi.bin", UploadId: upload.UploadId, PartNumber: number,
    Body: number === 1 ? part : Buffer.from("tail"),
  }));
  parts.push({ ETag: sent.ETag, PartNumber: number });
}
await s3.send(new CompleteMultipartUploadCommand({
  Bucket: bucket, Key: "js/multi.bin", UploadId: upload.UploadId, MultipartUpload: { Parts: parts },
}));
const dynamodb = new DynamoDBClient({});
await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "js" } } }));
await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "js" } } }));
// By default the SQS client sends each call to the host in QueueUrl, around
// AWS_ENDPOINT_URL (README, "Forwarding endpoint": what needs care).
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "from js" }));
await new STSClient({}).send(new GetCallerIdentityCommand({}));
console.log("js child done");
