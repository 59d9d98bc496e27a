// Generated from openapi.yaml by scripts/generate.ts. Do not edit.
"use strict";
module.exports = validate10;
module.exports.default = validate10;
const schema11 = {"$ref":"contract#/$defs/ResetPasswordRequest"};
const schema13 = {"type":"object","additionalProperties":false,"required":["token","newPassword"],"properties":{"token":{"$ref":"contract#/$defs/LinkToken"},"newPassword":{"$ref":"contract#/$defs/NewPassword"}}};
const schema14 = {"type":"string","minLength":1,"maxLength":128,"description":"The token from an emailed link (the `token` query parameter), as it is. Links\ncarry 256 random bits (43 characters); anything else is answered\n`invalid-token` rather than a validation error.\n","example":"1nmSgH0L3zVbOdQ3b9r0Z5yJ1kGJt3wq2G9x8cQm2Yw"};
const schema15 = {"type":"string","format":"password","minLength":8,"maxLength":72,"description":"At least 8 characters, and at most 72 **bytes** of UTF-8: bcrypt reads no\nfurther, so a longer password is refused with a 400 rather than silently\ncut. 72 ASCII characters fit; with accents or emoji, fewer do. Passwords\nare put in Unicode NFKC before they are hashed or compared, and the byte\nlimits apply to that form. There are no rules about character classes, but a\npassword is refused (400, naming the field) when it is one of the most common\nor breached passwords, or contains the user's name or the part of their\nemail address before the @.\n"};
const func2 = require("ajv/dist/runtime/ucs2length").default;

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.token === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "token"},message:"must have required property '"+"token"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.newPassword === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "newPassword"},message:"must have required property '"+"newPassword"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!((key0 === "token") || (key0 === "newPassword"))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.token !== undefined){
let data0 = data.token;
if(typeof data0 === "string"){
if(func2(data0) > 128){
const err3 = {instancePath:instancePath+"/token",schemaPath:"contract#/$defs/LinkToken/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(func2(data0) < 1){
const err4 = {instancePath:instancePath+"/token",schemaPath:"contract#/$defs/LinkToken/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/token",schemaPath:"contract#/$defs/LinkToken/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.newPassword !== undefined){
let data1 = data.newPassword;
if(typeof data1 === "string"){
if(func2(data1) > 72){
const err6 = {instancePath:instancePath+"/newPassword",schemaPath:"contract#/$defs/NewPassword/maxLength",keyword:"maxLength",params:{limit: 72},message:"must NOT have more than 72 characters"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(func2(data1) < 8){
const err7 = {instancePath:instancePath+"/newPassword",schemaPath:"contract#/$defs/NewPassword/minLength",keyword:"minLength",params:{limit: 8},message:"must NOT have fewer than 8 characters"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/newPassword",schemaPath:"contract#/$defs/NewPassword/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
else {
const err9 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
validate12.errors = vErrors;
return errors === 0;
}


function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(!(validate12(data, {instancePath,parentData,parentDataProperty,rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
validate10.errors = vErrors;
return errors === 0;
}

